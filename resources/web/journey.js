// The journey's progress for this person: which tasks are ticked and which achievements earned.
// Pure (no DOM): the page feeds it the real events it sees (`record`), and it answers what became
// newly done. Progress survives reloads through a Storage-like object (localStorage in the page).
// The structure (chapters, tasks, achievements with thresholds) is the server's /api/journey.

export const JOURNEY_STORAGE_KEY = 'nnj.journey.v1';
// A learning rate at least this big counts for the "diverge" task (the journey's rule).
export const DIVERGE_LEARNING_RATE = 0.5;

function emptyProgress() {
	return { tasks: [], achievements: [], views: [], activationSets: [], architectures: [] };
}

export class JourneyTracker {
	// structure: {chapters:[{id,tasks:[…]}], achievements:[{id,threshold?,views?,architectures?}]}.
	constructor( structure, { storage = null } = {} ) {
		this.structure = structure;
		this.storage = storage;
		this.progress = emptyProgress();
		try {
			const saved = JSON.parse( storage?.getItem( JOURNEY_STORAGE_KEY ) ?? 'null' );
			if ( saved && typeof saved === 'object' ) {
				for ( const key of Object.keys( this.progress ) ) {
					if ( Array.isArray( saved[ key ] ) ) this.progress[ key ] = saved[ key ].filter( ( x ) => typeof x === 'string' );
				}
			}
		} catch { /* unreadable progress starts over */ }
	}

	get taskIds() {
		return this.structure.chapters.flatMap( ( c ) => c.tasks );
	}

	isDone( task ) {
		return this.progress.tasks.includes( task );
	}

	hasAchievement( id ) {
		return this.progress.achievements.includes( id );
	}

	// The first chapter with a task left (the last one when all are done).
	currentChapter() {
		const chapters = this.structure.chapters;
		return chapters.find( ( c ) => c.tasks.some( ( t ) => ! this.isDone( t ) ) ) ?? chapters[ chapters.length - 1 ];
	}

	achievement( id ) {
		return this.structure.achievements.find( ( a ) => a.id === id );
	}

	reset() {
		this.progress = emptyProgress();
		this.save();
	}

	save() {
		try {
			this.storage?.setItem( JOURNEY_STORAGE_KEY, JSON.stringify( this.progress ) );
		} catch { /* storage full or blocked: progress lives for this page only */ }
	}

	// Feeds one event the page saw. Returns {tasks: [newly ticked], achievements: [newly earned]}.
	record( event ) {
		const result = { tasks: [], achievements: [] };
		const tick = ( task ) => {
			if ( this.taskIds.includes( task ) && ! this.isDone( task ) ) {
				this.progress.tasks.push( task );
				result.tasks.push( task );
			}
		};
		const earn = ( id ) => {
			if ( this.achievement( id ) && ! this.hasAchievement( id ) ) {
				this.progress.achievements.push( id );
				result.achievements.push( id );
			}
		};
		const remember = ( list, value ) => {
			if ( ! this.progress[ list ].includes( value ) ) this.progress[ list ].push( value );
			return this.progress[ list ].length;
		};
		const bigRate = Number( event.learningRate ) >= DIVERGE_LEARNING_RATE;
		switch ( event.type ) {
		case 'moment': // a pause_moment arrived; shown: its card was put on screen
			if ( event.reason === 'divergence' && bigRate ) tick( 'diverge' );
			if ( event.reason === 'plateau' ) tick( 'see-plateau-or-stuck' );
			if ( event.shown && event.reason === 'first_forward' ) tick( 'watch-forward-pass' );
			if ( event.shown && event.reason === 'first_backward' ) tick( 'see-backward' );
			if ( event.shown && event.reason === 'dead_units' ) tick( 'find-dead-neuron' );
			break;
		case 'sweep-end': // the forward-pass sweep played to its end
			tick( 'watch-forward-pass' );
			if ( event.forDrawing ) tick( 'watch-sweep' );
			break;
		case 'inspect': // the inspector opened on a neuron; weightsImage: its 28×28 weights were drawn
			if ( event.layer === 1 && event.weightsImage ) tick( 'inspect-neuron' );
			break;
		case 'glossary-entry':
			tick( 'read-glossary' );
			break;
		case 'prediction': // the person drew and a prediction came back
			tick( 'draw-digit' );
			earn( 'first-prediction' );
			break;
		case 'view-opened': {
			const explorer = this.achievement( 'explorer' );
			if ( remember( 'views', String( event.view ) ) >= ( explorer?.views ?? Infinity ) ) earn( 'explorer' );
			break;
		}
		case 'features-shown':
			if ( event.tiles > 0 ) tick( 'open-features' );
			break;
		case 'dead-highlighted':
			if ( event.count > 0 ) tick( 'find-dead-neuron' );
			break;
		case 'epoch-end':
			tick( 'start-training' );
			if ( event.testAccuracy >= 0.9 ) tick( 'reach-90' );
			for ( const a of this.structure.achievements ) {
				if ( typeof a.threshold === 'number' && event.testAccuracy >= a.threshold ) earn( a.id );
			}
			// Compared by which functions the hidden layers use: relu,relu and relu are the same choice.
			if ( Array.isArray( event.activations ) && event.activations.length &&
				remember( 'activationSets', [ ...new Set( event.activations ) ].sort().join( ',' ) ) >= 2 ) {
				tick( 'compare-activations' );
			}
			if ( Array.isArray( event.architecture ) ) {
				const architect = this.achievement( 'architect' );
				const key = `${event.architecture.join( '-' )}/${( event.activations ?? [] ).join( ',' )}`;
				if ( remember( 'architectures', key ) >= ( architect?.architectures ?? Infinity ) ) earn( 'architect' );
			}
			break;
		case 'verdict':
			if ( event.outcome === 'diverged' && bigRate ) tick( 'diverge' );
			if ( event.outcome === 'stuck' ) tick( 'see-plateau-or-stuck' );
			if ( event.outcome === 'learned' && this.isDone( 'diverge' ) ) earn( 'survived-divergence' );
			break;
		case 'architecture-applied':
			tick( 'change-architecture' );
			break;
		case 'landscape-shown':
			tick( 'explore-landscape' );
			break;
		default:
			break;
		}
		if ( result.tasks.length || result.achievements.length || event.type === 'view-opened' || event.type === 'epoch-end' ) this.save();
		return result;
	}
}
