// Wires the page together: server messages -> RunState -> scene / UI / charts; user actions ->
// server commands. Also keeps the in-browser copy of the weights in sync for draw & predict.
import { ApiClient } from './api.js';
import { RunState } from './runstate.js';
import { NetworkScene } from './scene.js';
import { Ui } from './ui.js';
import { TrainingChart, renderConfusion } from './charts.js';
import { DrawingPad, paintDigit } from './drawing.js';
import { parseWeights, forward } from './inference.js';
import { Inspector } from './overlays.js';
import { TeachingCard } from './teaching.js';
import { ArchitectureDialog } from './architecture.js';
import { LearningViews } from './learning.js';
import { JourneyTracker } from './journey.js';
import { GlossaryViewer, linkedText, termLink } from './glossary.js';
import { Onboarding } from './onboarding.js';
import { CaptionQueue } from './captions.js';
import { PaceMeter } from './pace.js';
import { globalBatch } from './runstate.js';
import { CHAPTERS, TASKS, achievementText, narrationText, architectureText, verdictText, CLASS, percent } from './strings.js';
import { ClassroomState, FollowState, ViewSender, CLASSROOM_MESSAGES, cleanName, deviceKind } from './classroom.js';
import { ClassroomUi, drawQrCode } from './classroomui.js';

const $ = ( id ) => document.getElementById( id );
performance.mark( 'nnj-modules-loaded' ); // every import above has been fetched and evaluated

// index.html took the join token out of the address bar and kept it for this tab.
function readToken() {
	const fromUrl = new URL( location.href ).searchParams.get( 'token' ); // index.html did not run (never normally)
	try {
		if ( fromUrl ) sessionStorage.setItem( 'nnj-token', fromUrl );
		return fromUrl || sessionStorage.getItem( 'nnj-token' ) || window.__nnjToken || null;
	} catch {
		return fromUrl || window.__nnjToken || null;
	}
}

function stored( key, fallback ) {
	try {
		return localStorage.getItem( key ) ?? fallback;
	} catch {
		return fallback;
	}
}

function store( key, value ) {
	try {
		localStorage.setItem( key, value );
	} catch { /* private mode: not remembered */ }
}

// The compact binary frames for the live run (a quarter of the JSON bytes on a classroom's
// Wi-Fi); ?wire=json keeps it all JSON, e.g. to read the messages in the browser's tools.
const wire = new URLSearchParams( location.search ).get( 'wire' ) === 'json' ? 'json' : 'binary';
const api = new ApiClient( { pageUrl: location.href, token: readToken(), wire } );
const state = new RunState();
const weights = { model: null, version: null, trained: false, loading: false, wanted: false };
// While a run trains, the connection colours and the drawing's prediction follow the live
// weights: a refresh every 15 s (the server caches the serialised weights per version).
const LIVE_WEIGHTS_INTERVAL_MS = 15000;
setInterval( () => {
	if ( state.training && ! state.paused && document.visibilityState === 'visible' ) refreshWeights();
}, LIVE_WEIGHTS_INTERVAL_MS );
// What the 3D view shows; sweepNext: light the next input's layers up one by one (scene.sweep).
const view = { source: 'training', drawing: null, sweepNext: false };
// Kinds of teaching card this browser does not show (a viewer's "don't show this kind again").
const hiddenMoments = new Set( stored( 'nnj.hidden-moments.v1', '' ).split( ',' ).filter( Boolean ) );
const localStore = ( () => {
	try {
		return window.localStorage;
	} catch {
		return null;
	}
} )();

const ui = new Ui( {
	onPlayPause: playPause,
	onStep: () => command( api.stepTraining(), 'step' ),
	onStop: () => command( api.stopTraining(), 'stop' ),
	onSpeed: ( mode ) => command( api.setSpeed( mode ), 'speed' ),
	onPace: ( pace ) => command( api.setPace( pace ), 'pace' ),
	onTeachingMoment: ( kind, on ) => command( api.setTeachingMoments( { [ kind ]: on } ), 'teaching moments' ),
	onLearningRate: ( lr ) => command( api.setLearningRate( lr ), 'learning rate' ),
	onTeachingMode: ( enabled ) => command( api.setTeachingMode( enabled ), 'teaching mode' ),
	onToggleTheme: () => setTheme( document.documentElement.dataset.theme === 'dark' ? 'light' : 'dark', { invertPad: true } ),
	onConnectionMode: ( mode ) => scene.setConnectionMode( mode ),
	onParticles: ( enabled ) => scene.setParticlesEnabled( enabled ),
	onFit: () => scene.fit(),
	onReconnect: () => api.reconnectNow(),
} );
let pageReady = false; // the scene and panels exist (set at the end of this module)

// index.html opened the WebSocket before the modules loaded: its handshake and the state
// snapshot overlap loading the modules, and the page takes it over once it is set up (end of
// this module), so the first frame already shows the run. Without it, connect now: the handshake
// then overlaps building the 3D scene.
api.on( 'status', ( status ) => onStatus( status ) );
api.on( 'message', ( message ) => onMessage( message ) );
api.on( 'protocol-error', ( e ) => console.warn( `ignored server message: ${e.message}` ) );
const earlySocket = window.__nnjEarlySocket;
delete window.__nnjEarlySocket;
performance.mark( 'nnj-connect' );
if ( ! earlySocket ) api.connect();

const initialTheme = document.documentElement.dataset.theme === 'light' ? 'light' : 'dark';
const scene = new NetworkScene( $( 'network-canvas' ), { theme: initialTheme,
	onPick: ( selection ) => {
		showInspector( selection );
		ownMove();
		offerView();
	},
	onCamera: () => offerView(),
	onOwnCamera: () => ownMove() } );
const chart = new TrainingChart( $( 'chart' ) );
const inspector = new Inspector( { onClose: () => {
	scene.select( null );
	showInspector( null );
	$( 'network-canvas' ).focus( { preventScroll: true } );
} } );
// The glossary's terms (/api/glossary) turn words on cards, captions and the tour into links.
const glossaryTerms = [];
const glossary = new GlossaryViewer( { onEntry: () => journeyEvent( { type: 'glossary-entry' } ) } );
const openTerm = ( id ) => glossary.open( id );
const linkText = ( text ) => linkedText( text, glossaryTerms, openTerm );
const termLinks = ( ids ) => ids.map( ( id ) => glossaryTerms.find( ( t ) => t.id === id ) ).filter( Boolean )
	.flatMap( ( t, k ) => ( k ? [ ' · ', termLink( t.term, t.id, openTerm ) ] : [ termLink( t.term, t.id, openTerm ) ] ) );
const teaching = new TeachingCard( { onContinue: ( choice ) => leaveMoment( choice ), onSkip: ( choice ) => leaveMoment( choice ),
	linkText, termLinks, run: () => ( { architecture: state.architecture, activations: state.activationNames } ) } );
const onboarding = new Onboarding( { storage: localStore, termLinks, onFinish: () => maybeAskName() } );
let journey = null; // the tracker, once /api/journey answered
const captions = new CaptionQueue();
const paceMeter = new PaceMeter();
const architecture = new ArchitectureDialog( { onApply: applyArchitecture } );
const pad = new DrawingPad( $( 'drawing-canvas' ), {
	colors: () => ( document.documentElement.dataset.theme === 'light' ? { background: '#ffffff', ink: '#000000' }
		: { background: '#000000', ink: '#ffffff' } ),
	onChange: ( input ) => onDrawing( input ),
} );
const learning = new LearningViews( {
	api, state,
	model: () => weights.model,
	drawing: () => ( view.drawing && ! view.drawing.empty ? view.drawing.pixels : null ),
	selectNeuron: ( layer, index ) => {
		scene.select( { layer, index } );
		showInspector( { layer, index } );
	},
	highlight: ( layer, indices, what ) => {
		const shown = scene.highlighted;
		if ( shown && shown.layer === layer && shown.indices.join() === indices.join() ) {
			scene.highlight( null ); // a second click takes the rings away
			return;
		}
		scene.highlight( layer, indices );
		ui.toast( `${indices.length} ${what} neuron${indices.length === 1 ? '' : 's'} of hidden layer ${layer} ringed in the 3D view (click again to clear).` );
		if ( what === 'dead' ) journeyEvent( { type: 'dead-highlighted', count: indices.length } );
	},
	useInput: ( pixels, caption ) => useInput( pixels, caption ),
	onEvent: ( event ) => journeyEvent( event ),
} );


const NAME_KEY = 'nnj.name.v1';
const NAME_ASKED_KEY = 'nnj.name-asked.v1';
const room = new ClassroomState();
const follow = new FollowState();
const viewSender = new ViewSender( { send: ( v ) => api.send( { type: 'presenter_view', ...v } ) } );
const myDevice = deviceKind( { coarsePointer: matchMedia( '(pointer: coarse)' ).matches,
	width: screen.width || innerWidth, height: screen.height || innerHeight } );
let submitBlockedUntil = 0;
const classUi = new ClassroomUi( {
	onName: ( raw ) => {
		const name = cleanName( raw );
		if ( ! name ) return;
		store( NAME_KEY, name );
		store( NAME_ASKED_KEY, 'named' );
		classUi.closeNamePrompt();
		sayHello();
	},
	onSkipName: () => skipName(),
	onChangeName: () => classUi.askName( storedName() ),
	onRaiseHand: ( raised ) => {
		api.send( { type: 'raise_hand', raised } );
		if ( raised ) ui.toast( CLASS.handUp );
	},
	onGrant: ( clientId ) => api.send( { type: 'grant_control', client_id: clientId } ),
	onRevoke: () => api.send( { type: 'revoke_control' } ),
	onShow: ( id ) => api.send( { type: 'show_gallery_item', id } ),
	onHide: ( id ) => api.send( { type: 'remove_gallery_item', id } ),
	onClear: () => api.send( { type: 'clear_gallery' } ),
	onFollowToggle: () => {
		if ( follow.following ) follow.breakAway();
		else {
			const v = follow.followAgain( room.presenterView );
			if ( v ) applyPresenterView( v );
		}
		renderClassroom();
	},
	onInvite: () => classUi.openInvite( inviteLinks(), drawQrCode ),
	toast: ( text, kind ) => ui.toast( text, kind ),
} );
const classPad = new DrawingPad( $( 'class-pad-canvas' ), {
	colors: () => ( document.documentElement.dataset.theme === 'light' ? { background: '#ffffff', ink: '#000000' }
		: { background: '#000000', ink: '#ffffff' } ),
	onChange: ( input ) => {
		paintDigit( $( 'class-pad-preview' ), input.pixels );
		$( 'class-pad-hint' ).hidden = ! input.empty;
	},
} );
// The presenter's view goes out when it changes (checked here for the learning views' tabs;
// the camera and the selection offer it at once); "3 min" ages in the participants list.
setInterval( offerView, 400 );
setInterval( renderClassroom, 30000 );
setInterval( () => {
	if ( submitBlockedUntil ) renderSubmitButtons();
	if ( submitBlockedUntil && performance.now() > submitBlockedUntil ) submitBlockedUntil = 0;
}, 250 );

// ---- Commands ------------------------------------------------------------------------------
async function command( request, what ) {
	const { ok, status, data } = await request;
	if ( ok ) return data;
	if ( data?.status === 'busy' ) {
		ui.toast( data.message ? `Busy: ${data.message}` : 'Training is already running.', 'busy' );
	} else if ( status === 401 || status === 403 ) {
		ui.toast( ui.driving ? CLASS.refused( data?.message ?? `HTTP ${status}` )
			: `Not allowed to change the ${what}: this page is a viewer (raise your hand to ask the presenter for the controls).`, 'error' );
	} else {
		ui.toast( `Could not change the ${what}: ${data?.message ?? `HTTP ${status}`}`, 'error' );
	}
	ui.renderSettings( state ); // undo optimistic control changes
	return null;
}

function playPause() {
	if ( ! state.training ) return command( api.startTraining(), 'run' );
	const paused = state.paused && state.runState !== 'teaching_pause'; // Pause on a teaching card holds it
	return paused ? command( api.resumeTraining(), 'run' ) : command( api.pauseTraining(), 'run' );
}

async function applyArchitecture( layers, activations ) {
	const { ok, data } = await api.setArchitecture( layers, activations );
	if ( ! ok ) return data?.message ?? 'The server refused the architecture.';
	ui.toast( `New network ${architectureText( layers, activations ?? [] )}: training starts from fresh weights.` );
	journeyEvent( { type: 'architecture-applied' } );
	return '';
}

// Continue and Skip both go on with the run (a controller resumes it); "don't show this kind
// again" switches the kind off for the run (a controller) or in this browser (a viewer).
function leaveMoment( { dontShowAgain } ) {
	const reason = teaching.moment?.reason;
	teaching.hide();
	if ( dontShowAgain && reason ) {
		if ( state.isController ) {
			command( api.setTeachingMoments( { [ reason ]: false } ), 'teaching moments' );
		} else {
			hiddenMoments.add( reason );
			store( 'nnj.hidden-moments.v1', [ ...hiddenMoments ].join( ',' ) );
		}
	}
	if ( state.isController && state.pause ) command( api.resumeTraining(), 'run' );
}

// ---- The journey ----------------------------------------------------------------------------
function journeyEvent( event ) {
	if ( ! journey ) return;
	const { tasks, achievements } = journey.record( event );
	for ( const task of tasks ) ui.toast( `Journey: ✓ ${TASKS[ task ] ?? task}` );
	for ( const id of achievements ) {
		const a = achievementText( journey.achievement( id ) );
		ui.toast( `Achievement: ${a.title} — ${a.rule}`, 'achievement', 6000 );
	}
	if ( tasks.length || achievements.length ) renderJourney();
}

function renderJourney() {
	if ( ! journey ) return;
	const current = journey.currentChapter();
	const done = journey.progress.tasks.length, total = journey.taskIds.length;
	$( 'journey-count' ).textContent = `${done} of ${total} tasks`;
	$( 'journey-path' ).replaceChildren( ...journey.structure.chapters.map( ( chapter, k ) => {
		const li = document.createElement( 'li' );
		const finished = chapter.tasks.every( ( t ) => journey.isDone( t ) );
		li.className = `chapter${chapter === current ? ' current' : ''}${finished ? ' finished' : ''}`;
		li.dataset.chapter = chapter.id;
		const head = document.createElement( 'div' );
		head.className = 'chapter-head';
		const count = chapter.tasks.filter( ( t ) => journey.isDone( t ) ).length;
		head.innerHTML = '<span class="chapter-dot" aria-hidden="true"></span>';
		head.append( `${k + 1}. ${CHAPTERS[ chapter.id ]?.title ?? chapter.id}` );
		const tally = document.createElement( 'span' );
		tally.className = 'fine-print';
		tally.textContent = `${count}/${chapter.tasks.length}`;
		head.append( tally );
		const tasks = document.createElement( 'ul' );
		tasks.className = 'tasks';
		for ( const task of chapter.tasks ) {
			const item = document.createElement( 'li' );
			item.setAttribute( 'data-testid', 'journey-task' );
			item.dataset.task = task;
			item.dataset.done = String( journey.isDone( task ) );
			item.textContent = TASKS[ task ] ?? task;
			item.setAttribute( 'aria-label', `${TASKS[ task ] ?? task}: ${journey.isDone( task ) ? 'done' : 'to do'}` );
			tasks.append( item );
		}
		li.append( head, tasks );
		if ( chapter === current && ! finished ) {
			const hint = document.createElement( 'p' );
			hint.className = 'chapter-hint';
			hint.replaceChildren( ...linkText( CHAPTERS[ chapter.id ]?.hint ?? '' ) );
			li.append( hint );
		}
		return li;
	} ) );
	const achievements = journey.structure.achievements;
	$( 'achievement-count' ).textContent = `${journey.progress.achievements.length} of ${achievements.length}`;
	$( 'achievement-list' ).replaceChildren( ...achievements.map( ( a ) => {
		const li = document.createElement( 'li' );
		const text = achievementText( a );
		li.dataset.achievement = a.id;
		li.dataset.earned = String( journey.hasAchievement( a.id ) );
		const title = document.createElement( 'strong' );
		title.textContent = `${journey.hasAchievement( a.id ) ? '★' : '☆'} ${text.title}`;
		li.append( title, ` ${text.rule}` );
		return li;
	} ) );
}

async function loadJourney() {
	const [ structure, terms ] = await Promise.all( [ api.getJourney(), api.getGlossary() ] );
	if ( terms.ok && Array.isArray( terms.data?.terms ) ) {
		glossaryTerms.splice( 0, glossaryTerms.length, ...terms.data.terms );
		glossary.setTerms( glossaryTerms );
		renderJourney(); // hints get their links
		if ( state.pause && teaching.visible ) teaching.show( state.pause, { held: state.runState === 'paused' } );
	}
	if ( structure.ok && Array.isArray( structure.data?.chapters ) && Array.isArray( structure.data?.achievements ) ) {
		journey = new JourneyTracker( structure.data, { storage: localStore } );
		renderJourney();
		if ( state.pause && teaching.visible ) journeyEvent( momentEvent( state.pause, true ) );
	} else {
		$( 'journey-path' ).textContent = `The journey is not available from this server (${structure.data?.message ?? `HTTP ${structure.status}`}).`;
	}
}

function momentEvent( moment, shown ) {
	return { type: 'moment', reason: moment.reason, shown,
		learningRate: moment.data?.learning_rate ?? moment.stats?.learning_rate ?? state.settings.learning_rate };
}

// ---- Narration captions ---------------------------------------------------------------------
function showCaption( narration ) {
	const bar = $( 'caption' );
	bar.hidden = false;
	bar.dataset.kind = narration.kind;
	bar.replaceChildren( ...linkText( narrationText( narration ) ) );
}

setInterval( () => {
	const { show, hide } = captions.tick( performance.now() );
	if ( show ) showCaption( show );
	if ( hide ) $( 'caption' ).hidden = true;
	ui.renderPace( paceMeter.rate( performance.now() ) );
}, 250 );

// ---- Weights for draw & predict and the connection colours ----------------------------------
// The server shares weights only once a network has trained (before, /get-weights answers
// status "error", "No network available": no weights yet): ask only then.
async function refreshWeights() {
	if ( ! state.hasWeights && ! state.training ) return;
	if ( weights.loading ) {
		weights.wanted = true;
		return;
	}
	weights.loading = true;
	const { ok, data } = await api.getWeights();
	weights.loading = false;
	if ( ok && Array.isArray( data?.weights ) ) installWeights( data.weights, state.weightsVersion );
	if ( weights.wanted ) {
		weights.wanted = false;
		refreshWeights();
	}
}

function installWeights( list, version ) {
	try {
		weights.model = parseWeights( list );
		weights.version = version;
		weights.trained = state.hasWeights || state.training;
	} catch ( error ) {
		ui.toast( `The server sent unusable weights: ${error.message}`, 'error' );
		return;
	}
	scene.setModel( weights.model );
	$( 'weights-note' ).textContent = weights.trained
		? `Predicting in your browser with the network's weights (${weights.model.sizes.join( '-' )}).`
		: 'These weights are not trained yet: predictions are guesses until a run finishes an epoch.';
	if ( view.drawing && ! view.drawing.empty ) onDrawing( view.drawing );
	refreshInspector();
}

// ---- Drawing --------------------------------------------------------------------------------
function onDrawing( input ) {
	view.drawing = input;
	paintDigit( $( 'preview-canvas' ), input.pixels );
	$( 'draw-hint' ).hidden = ! input.empty;
	if ( input.empty ) {
		showPrediction( null );
		showTrainingView();
		return;
	}
	const model = weights.model;
	if ( ! model ) {
		showPrediction( null, 'No weights yet: press Predict to ask the server.' );
		return;
	}
	const result = forward( model, input.pixels );
	showPrediction( result );
	const drawn = ! view.testImage;
	if ( drawn ) journeyEvent( { type: 'prediction' } );
	if ( model.sizes.join() === state.architecture.join() ) {
		view.source = 'drawing';
		if ( view.sweepNext ) scene.sweep( result.activations, 1000, () => journeyEvent( { type: 'sweep-end', forDrawing: drawn } ) );
		else scene.setActivations( result.activations );
		refreshInspector();
	}
	view.sweepNext = false;
	learning.onInputChanged();
	return result;
}

// A test image (the learning views' mistakes) as the input: on the pad, predicted, swept through the 3D view.
function useInput( pixels, caption ) {
	view.sweepNext = true;
	view.testImage = true; // not drawn by the person: no drawing task
	pad.showImage( pixels );
	const result = weights.model ? forward( weights.model, pixels ) : null;
	if ( result ) ui.toast( `${caption}: the network says ${result.digit} (${( result.probabilities[ result.digit ] * 100 ).toFixed( 1 )}%).` );
	if ( matchMedia( '(min-width: 821px)' ).matches ) setDrawingOpen( true, { focus: false } );
}

async function predictButton() {
	const input = pad.input();
	if ( input.empty ) {
		showPrediction( null, 'Draw a digit first.' );
		return;
	}
	if ( weights.model ) {
		view.sweepNext = true; // Predict shows the forward pass layer by layer
		onDrawing( input );
		return;
	}
	const { ok, data } = await api.predict( input.pixels );
	if ( ok ) {
		showPrediction( { digit: data.digit, probabilities: data.probabilities, activations: data.activations } );
		if ( ! view.testImage ) journeyEvent( { type: 'prediction' } );
	}
	else showPrediction( null, data?.message ?? 'Prediction failed.' );
}

function showPrediction( result, note ) {
	const box = $( 'prediction-result' );
	box.dataset.digit = result ? String( result.digit ) : '';
	$( 'prediction-digit' ).textContent = result ? String( result.digit ) : '–';
	const p = result ? result.probabilities[ result.digit ] : 0;
	$( 'prediction-text' ).textContent = result ? `${( p * 100 ).toFixed( 1 )}% sure${weights.trained ? '' : ' (untrained)'}`
		: ( note ?? 'No prediction yet' );
	const probabilities = result ? Array.from( result.probabilities ) : new Array( 10 ).fill( 0 );
	$( 'prob-bars' ).replaceChildren( ...probabilities.map( ( value, digit ) => {
		const li = document.createElement( 'li' );
		li.className = result && digit === result.digit ? 'top' : '';
		li.setAttribute( 'aria-label', `${digit}: ${( value * 100 ).toFixed( 1 )}%` );
		// Built with the DOM, not markup: the page's Content-Security-Policy refuses inline styles.
		const number = document.createElement( 'span' );
		number.className = 'value';
		number.textContent = result ? String( Math.round( value * 100 ) ) : '';
		const bar = document.createElement( 'span' );
		bar.className = 'bar';
		bar.style.height = `${Math.max( 2, value * 60 )}px`;
		const label = document.createElement( 'span' );
		label.textContent = String( digit );
		li.append( number, bar, label );
		return li;
	} ) );
}

function showTrainingView() {
	view.source = 'training';
	scene.setActivations( state.lastUpdate?.activations ?? null );
	refreshInspector();
}

function setDrawingOpen( open, { focus = true } = {} ) {
	$( 'draw-panel' ).hidden = ! open;
	$( 'open-drawing' ).setAttribute( 'aria-expanded', String( open ) );
	if ( open ) {
		if ( ! weights.model || weights.version !== state.weightsVersion ) refreshWeights();
		if ( focus ) $( 'drawing-canvas' ).focus( { preventScroll: true } );
	} else {
		showTrainingView();
	}
}

// ---- Inspector ------------------------------------------------------------------------------
function inspectorContext() {
	const drawing = view.source === 'drawing' && view.drawing && weights.model;
	return { sizes: state.architecture, activationNames: state.activationNames, model: weights.model,
		activations: drawing ? forward( weights.model, view.drawing.pixels ).activations : state.lastUpdate?.activations,
		source: drawing ? 'your drawing' : 'the digit we follow' };
}

function showInspector( selection ) {
	inspector.show( selection, inspectorContext() );
	if ( selection ) journeyEvent( { type: 'inspect', layer: selection.layer, weightsImage: inspector.showsWeightsImage } );
}

function refreshInspector() {
	if ( inspector.selection ) inspector.refresh( inspectorContext() );
}

// ---- Server messages ------------------------------------------------------------------------
const ANALYSIS_MESSAGES = new Set( [ 'analysis_progress', 'landscape', 'random_steps', 'analysis_cancelled' ] );

function onMessage( message ) {
	if ( message.type === 'state' && ! state.snapshotReceived ) performance.mark( 'nnj-first-snapshot' );
	if ( CLASSROOM_MESSAGES.has( message.type ) || message.type === 'connected' ) onClassroomMessage( message );
	if ( CLASSROOM_MESSAGES.has( message.type ) ) return;
	if ( message.type === 'error' && onClassroomError( message.message ) ) return;
	if ( ANALYSIS_MESSAGES.has( message.type ) ) {
		learning.onMessage( message ); // the learning views' jobs, not the run's state
		return;
	}
	const { changed, error } = state.apply( message );
	if ( error ) {
		console.warn( `ignored server message: ${error}` );
		return;
	}
	if ( changed.has( 'role' ) ) ui.renderRole( state, room.isDriver );
	if ( changed.has( 'architecture' ) ) {
		if ( weights.model && weights.model.sizes.join() !== state.architecture.join() ) {
			weights.model = null; // the previous network's weights no longer apply
			scene.setModel( null );
		}
		scene.setArchitecture( state.architecture, state.activationNames );
		scene.select( null );
		scene.highlight( null );
		inspector.show( null );
		refreshWeights();
		learning.onArchitecture();
	}
	if ( changed.has( 'settings' ) || changed.has( 'architecture' ) ) ui.renderSettings( state );
	if ( changed.has( 'training' ) ) {
		ui.renderTraining( state );
		scene.setFlowing( state.training && ! state.paused );
	}
	if ( changed.has( 'stats' ) ) {
		ui.renderStats( state );
		learning.onRunProgress();
		const batch = globalBatch( state.stats );
		if ( message.type === 'update' && batch !== null ) paceMeter.add( performance.now(), batch );
	}
	if ( changed.has( 'activations' ) ) {
		const update = state.lastUpdate;
		ui.renderSample( update, paintDigit );
		if ( view.source === 'training' ) {
			// Step by step, each step's forward pass runs through the layers one after another.
			if ( state.settings.speed === 'step' && message.type === 'update' && update?.activations ) scene.sweep( update.activations, 800 );
			else scene.setActivations( update?.activations ?? null );
			refreshInspector();
		}
		scene.setGradients( update?.gradients, update?.layer_gradients ?? gradientMeans( update?.gradients ),
			{ flowing: state.training && ! state.paused && message.type === 'update' } );
	}
	if ( changed.has( 'history' ) || changed.has( 'epochs' ) ) {
		chart.setRun( state.history, state.epochResults, state.stats.batches_per_epoch );
	}
	if ( changed.has( 'epochs' ) ) ui.renderEpochs( state );
	if ( changed.has( 'confusion' ) ) renderConfusion( $( 'confusion' ), state.confusion );
	if ( changed.has( 'viewers' ) ) ui.renderViewers( state.viewers );
	if ( changed.has( 'pause' ) ) {
		const shown = state.pause && ! hiddenMoments.has( state.pause.reason );
		const fresh = state.pause && message.type === 'pause_moment';
		if ( shown ) teaching.show( state.pause, { held: state.runState === 'paused' } );
		else teaching.hide();
		if ( fresh ) journeyEvent( momentEvent( state.pause, !! shown ) );
		ui.renderTraining( state );
	}
	// Pause during a teaching moment keeps the card: it waits for Continue.
	if ( changed.has( 'training' ) && teaching.visible ) teaching.setHeld( state.runState === 'paused' );
	if ( changed.has( 'narration' ) && state.narration ) {
		const shown = captions.push( state.narration, performance.now() );
		if ( shown ) showCaption( shown );
	}
	if ( message.type === 'epoch_end' && typeof message.test_accuracy === 'number' ) {
		journeyEvent( { type: 'epoch-end', testAccuracy: message.test_accuracy, activations: state.activationNames.slice(),
			architecture: state.architecture.slice() } );
	}
	if ( changed.has( 'verdict' ) || changed.has( 'training' ) ) ui.renderVerdict( state, () => setDrawingOpen( true ) );
	if ( changed.has( 'verdict' ) && state.verdict && message.type !== 'state' ) {
		const text = verdictText( state.verdict );
		ui.toast( `${text.title}.`, state.verdict.outcome === 'learned' ? 'info' : 'busy', 6000 );
		journeyEvent( { type: 'verdict', outcome: state.verdict.outcome, learningRate: state.settings.learning_rate } );
	}
	if ( changed.has( 'training' ) && ! state.training ) {
		captions.clear();
		$( 'caption' ).hidden = true;
		paceMeter.reset();
	}
	if ( changed.has( 'download' ) || message.type === 'state' ) renderDataBanner();
	if ( changed.has( 'error' ) ) ui.toast( state.lastError, 'error' );
	handleWeightsMessage( message, changed );
	if ( message.type === 'training_started' ) {
		scene.resetRun();
		ui.renderStats( state );
		setTimeout( refreshWeights, 2500 ); // the server shares the first live weights after ~1 s
	}
	if ( message.type === 'training_complete' && ! state.verdict ) {
		// A server without the verdict: its own numbers only.
		ui.toast( state.complete?.stopped ? 'Training stopped.' : `Training complete: test accuracy ${
			formatFraction( state.complete?.final_stats?.test_accuracy )}.` );
	}
}

function handleWeightsMessage( message, changed ) {
	if ( message.type === 'training_complete' && Array.isArray( message.weights ) ) {
		installWeights( message.weights, state.weightsVersion );
	} else if ( message.type === 'state' ) {
		if ( ! weights.model || weights.version !== state.weightsVersion ) refreshWeights();
	} else if ( changed.has( 'weights' ) ) {
		refreshWeights();
	}
}

function gradientMeans( gradients ) {
	return gradients?.map( ( g ) => g.reduce( ( a, b ) => a + Math.abs( b ), 0 ) / Math.max( 1, g.length ) );
}

function formatFraction( value ) {
	return typeof value === 'number' && value >= 0 ? `${( value * 100 ).toFixed( 2 )}%` : 'n/a';
}

function renderDataBanner() {
	if ( state.download ) {
		const { file, received, total } = state.download;
		const percent = total > 0 ? ` ${Math.round( received / total * 100 )}%` : '';
		ui.banner( `Downloading MNIST (${file})…${percent}` );
	} else {
		ui.banner( null );
	}
}

function onStatus( status ) {
	ui.renderConnection( status );
	if ( status.state === 'connected' ) {
		// The server sends connected + state by itself; nothing to ask for.
		if ( ! performance.getEntriesByName( 'nnj-connected' ).length ) performance.mark( 'nnj-connected' );
	} else if ( status.state === 'disconnected' && pageReady ) {
		scene.setFlowing( false );
		teaching.hide();
		// The server forgets a driver that leaves: so does the page until it hears otherwise.
		room.driverKey = null;
		api.driverKey = null;
		if ( ui.driving ) ui.renderRole( state, false );
	}
	if ( pageReady ) renderClassroom();
}

// ---- The classroom --------------------------------------------------------------------------
// Names, the hand-off, following the presenter and the class gallery (docs/protocol.md "Classroom").
function onClassroomMessage( message ) {
	const { changed, error } = room.apply( message );
	if ( error ) {
		console.warn( `ignored server message: ${error}` );
		return;
	}
	if ( changed.has( 'self' ) ) {
		sayHello();
		viewSender.reset(); // a new connection: the server may not have our view
		classUi.resetGallery(); // the presenter's rows have buttons
		if ( room.presenter ) offerView();
	}
	if ( changed.has( 'key' ) ) api.driverKey = room.driverKey;
	if ( changed.has( 'control' ) || changed.has( 'key' ) ) {
		const driving = room.isDriver && !! room.driverKey;
		if ( driving !== ui.driving ) {
			ui.renderRole( state, driving );
			if ( message.type !== 'state' ) ui.toast( driving ? CLASS.granted : CLASS.revoked, driving ? 'achievement' : 'info' );
		}
	}
	if ( changed.has( 'gallery' ) ) {
		classUi.renderGallery( room );
		if ( message.type === 'gallery_item' && message.client_id === room.selfId && room.selfId ) {
			// On a phone the pad's own line says it (toasts would pile up over the pad).
			if ( classUi.padShown ) classUi.padStatus( CLASS.submittedShort( galleryVerdict( message ) ) );
			else ui.toast( CLASS.submitted( galleryVerdict( message ) ) );
		}
	}
	if ( changed.has( 'shown' ) ) {
		classUi.renderGallery( room );
		showGalleryItem( room.gallery.get( room.shownId ) );
	}
	if ( changed.has( 'view' ) ) {
		const wanted = follow.onPresenterView( room.presenterView, { presenter: room.presenter } );
		if ( wanted ) applyPresenterView( wanted );
	}
	renderClassroom();
}

function galleryVerdict( item ) {
	const p = item.probabilities?.[ item.prediction ];
	return `${item.prediction} (${typeof p === 'number' ? percent( p, 0 ) : '–'})`;
}

// The server's refusals of classroom requests come as `error`; the rate limit gets its own words.
function onClassroomError( text ) {
	const limited = /^Too many drawings.* in (\d+) s/.exec( String( text ?? '' ) );
	if ( ! limited ) return false;
	const seconds = Number( limited[ 1 ] );
	submitBlockedUntil = performance.now() + seconds * 1000;
	ui.toast( CLASS.rateLimited( seconds ), 'busy', 6000 );
	renderSubmitButtons();
	return true;
}

function renderClassroom() {
	classUi.render( room, { driving: ui.driving } );
	classUi.renderFollow( { visible: !! room.selfId && ! room.presenter && api.state === 'connected', following: follow.following } );
}

function sayHello() {
	api.send( { type: 'hello', name: storedName(), device: myDevice } );
}

function storedName() {
	return cleanName( stored( NAME_KEY, '' ) );
}

function maybeAskName() {
	if ( onboarding.visible || storedName() || stored( NAME_ASKED_KEY, '' ) ) return;
	classUi.askName( '' );
}

function skipName() {
	store( NAME_ASKED_KEY, 'skipped' );
	classUi.closeNamePrompt();
}

// Following: the presenter's camera, selected neuron and open view.
const LEARNING_VIEWS = new Set( [ 'features', 'histograms', 'mistakes', 'compare', 'steps', 'landscape', 'painter' ] );

function currentView() {
	const s = scene.selection;
	return { camera: scene.cameraView(), selected: s ? { layer: s.layer, neuron: s.index } : null,
		view: learning.visible ? learning.view : 'network' };
}

function offerView() {
	if ( pageReady && room.presenter && api.state === 'connected' ) viewSender.offer( currentView() );
}

function applyPresenterView( v ) {
	if ( v.camera ) scene.flyTo( v.camera );
	const sizes = state.architecture;
	const selection = v.selected && v.selected.layer < sizes.length && v.selected.neuron < sizes[ v.selected.layer ]
		? { layer: v.selected.layer, index: v.selected.neuron } : null;
	const current = scene.selection;
	if ( ( selection?.layer ) !== ( current?.layer ) || ( selection?.index ) !== ( current?.index ) ) {
		scene.select( selection );
		showInspector( selection );
	}
	if ( v.view && LEARNING_VIEWS.has( v.view ) ) {
		if ( ! learning.visible || learning.view !== v.view ) learning.setOpen( true, v.view );
	} else if ( v.view && learning.visible ) {
		learning.setOpen( false );
	}
}

// The person moved the camera or picked a neuron: a follower breaks away.
function ownMove() {
	if ( ! pageReady || room.presenter ) return;
	if ( follow.onOwnMove() ) renderClassroom();
}

// The class gallery: submit (anyone), show in the network (the presenter's gallery_show).
function submitDrawing( pixels ) {
	if ( performance.now() < submitBlockedUntil ) {
		ui.toast( CLASS.rateLimited( Math.ceil( ( submitBlockedUntil - performance.now() ) / 1000 ) ), 'busy' );
		return false;
	}
	if ( ! api.send( { type: 'submit_drawing', pixels: Array.from( pixels ) } ) ) {
		ui.toast( CLASS.notConnected, 'error' );
		return false;
	}
	return true;
}

function renderSubmitButtons() {
	const left = Math.ceil( ( submitBlockedUntil - performance.now() ) / 1000 );
	for ( const id of [ 'class-pad-submit', 'send-drawing' ] ) {
		$( id ).disabled = left > 0;
		$( id ).textContent = left > 0 ? CLASS.wait( left ) : CLASS.submit;
	}
}

function showGalleryItem( item ) {
	if ( ! item ) return;
	view.sweepNext = true;
	view.testImage = true; // someone else's drawing: not this person's drawing task
	pad.showImage( item.pixels );
	ui.toast( CLASS.shownToast( item.name || CLASS.guest( item.client_id ?? '?' ), item.prediction,
		percent( item.probabilities?.[ item.prediction ], 0 ) ) );
	if ( matchMedia( '(min-width: 821px)' ).matches ) setDrawingOpen( true, { focus: false } );
}

// The server tells a presenter where the class reaches it (lan_urls, join_url); without that
// (an older server) the page's own address. A loopback address is no use to the class: say so.
function inviteLinks() {
	const students = room.lanUrl ?? `${location.origin}/`;
	const host = new URL( students ).hostname;
	const loopback = host === 'localhost' || host.startsWith( '127.' ) || host === '[::1]';
	const presenter = room.joinUrl ?? ( api.token && ! loopback ? `${students}?token=${encodeURIComponent( api.token )}` : null );
	return { students, presenter, loopback };
}

// ---- Theme ----------------------------------------------------------------------------------
function setTheme( theme, { invertPad = false } = {} ) {
	ui.setTheme( theme );
	store( 'nnj-theme', theme );
	scene.setTheme( theme );
	chart.restyle();
	chart.setRun( state.history, state.epochResults, state.stats.batches_per_epoch );
	renderConfusion( $( 'confusion' ), state.confusion );
	teaching.redraw();
	refreshInspector();
	if ( invertPad ) invertPadColours();
}

// The pad is black-on-white in the light theme and white-on-black in the dark one: invert it.
function invertPadColours() {
	const canvas = $( 'drawing-canvas' );
	const context = canvas.getContext( '2d', { willReadFrequently: true } );
	const image = context.getImageData( 0, 0, canvas.width, canvas.height );
	for ( let k = 0; k < image.data.length; k += 4 ) {
		for ( let c = 0; c < 3; ++ c ) image.data[ k + c ] = 255 - image.data[ k + c ];
	}
	context.putImageData( image, 0, 0 );
}

// ---- Start ----------------------------------------------------------------------------------
$( 'open-drawing' ).addEventListener( 'click', () => setDrawingOpen( true ) );
$( 'draw-close' ).addEventListener( 'click', () => setDrawingOpen( false ) );
$( 'clear-drawing' ).addEventListener( 'click', () => pad.clear() );
// A stroke on the pad makes the input the person's own again (not a test image from the views).
$( 'drawing-canvas' ).addEventListener( 'pointerdown', () => {
	view.testImage = false;
}, { capture: true } );
$( 'predict-button' ).addEventListener( 'click', () => predictButton() );
$( 'send-drawing' ).addEventListener( 'click', () => {
	const input = pad.input();
	if ( input.empty ) ui.toast( CLASS.drawFirst, 'busy' );
	else submitDrawing( input.pixels );
} );
$( 'class-pad-clear' ).addEventListener( 'click', () => classPad.clear() );
$( 'class-pad-submit' ).addEventListener( 'click', () => {
	const input = classPad.input();
	if ( input.empty ) ui.toast( CLASS.drawFirst, 'busy' );
	else if ( submitDrawing( input.pixels ) ) classPad.clear();
} );
$( 'architecture-open' ).addEventListener( 'click', () => architecture.open( state.architecture, state.activationNames ) );
document.addEventListener( 'keydown', ( e ) => {
	const typing = e.target.closest?.( 'input:not([type=range]):not([type=checkbox]):not([type=radio]), textarea, select, [contenteditable]' );
	if ( e.key === 'Escape' ) {
		// The top-most overlay first: the tour, the help menu, the glossary, the drawing, the inspector.
		if ( onboarding.visible ) onboarding.finish();
		else if ( classUi.namePromptOpen ) skipName();
		else if ( ! $( 'help-list' ).hidden ) setHelpOpen( false );
		else if ( glossary.isOpen ) glossary.close();
		else if ( ! $( 'draw-panel' ).hidden ) setDrawingOpen( false );
		else if ( inspector.selection ) {
			scene.select( null );
			showInspector( null );
		}
	} else if ( e.key === ' ' && ! typing && ! e.target.closest?.( 'button, a, summary, [role=tab], label' ) &&
		e.target.id !== 'drawing-canvas' && ui.canControl ) {
		e.preventDefault(); // Space starts and pauses the run (not on buttons: they click)
		playPause();
	}
} );

function setHelpOpen( open ) {
	$( 'help-list' ).hidden = ! open;
	$( 'help-open' ).setAttribute( 'aria-expanded', String( open ) );
	if ( open ) $( 'help-tour' ).focus( { preventScroll: true } );
}
$( 'help-open' ).addEventListener( 'click', () => setHelpOpen( $( 'help-list' ).hidden ) );
$( 'help-tour' ).addEventListener( 'click', () => {
	setHelpOpen( false );
	onboarding.start();
} );
$( 'help-glossary' ).addEventListener( 'click', () => {
	setHelpOpen( false );
	glossary.open();
} );
$( 'help-journey' ).addEventListener( 'click', () => {
	setHelpOpen( false );
	$( 'journey' ).scrollIntoView( { block: 'start' } );
	$( 'journey' ).focus( { preventScroll: true } );
} );
document.addEventListener( 'click', ( e ) => {
	if ( ! $( 'help-list' ).hidden && ! e.target.closest( '.help-menu' ) ) setHelpOpen( false );
} );

ui.setTheme( initialTheme );
showPrediction( null );
ui.renderRole( state, false );
ui.renderTraining( state );
renderClassroom();
ui.renderSettings( state );

pageReady = true;
if ( earlySocket ) api.connect( earlySocket );
loadJourney();
if ( ! onboarding.seen ) onboarding.start();
else maybeAskName();

// Read-only hooks for the benchmark and the end-to-end tests.
window.__nnj = { state, scene, weights, learning, journey: () => journey, perf: () => scene.perf(), drawingInput: () => Array.from( pad.input().pixels ),
	room, follow, api: { get driverKey() { return api.driverKey; } } };
