// The page's model of the shared run, fed by server messages (protocol §WebSocket). Pure data:
// no DOM, no three.js, so the message handling is unit-tested under node. `apply` returns the
// set of things that changed so the UI redraws only those; malformed messages are reported,
// never thrown, and leave the state as it was.

export const HISTORY_LIMIT = 2000;
export const SPEED_MODES = [ 'step', 'narrated', 'normal', 'fast' ];

const isNumber = ( value ) => typeof value === 'number' && Number.isFinite( value );
const isArrayOfNumberArrays = ( value ) => Array.isArray( value ) &&
	value.every( ( row ) => Array.isArray( row ) && row.every( ( x ) => typeof x === 'number' ) );

// x: the 1-based global batch of each loss/accuracy point (so snapshot and live points share an axis).
function emptyHistory() {
	return { x: [], loss: [], accuracy: [], test_accuracy: [], test_loss: [] };
}

export function globalBatch( stats ) {
	const { epoch, batch, batches_per_epoch: perEpoch } = stats;
	if ( ! isNumber( epoch ) || ! isNumber( batch ) || epoch < 1 ) return null;
	return ( epoch - 1 ) * ( perEpoch || 0 ) + batch;
}

// Keeps at most `limit` points by dropping every other one (the same thinning the server does).
export function thinInPlace( series, limit = HISTORY_LIMIT ) {
	if ( series.length <= limit ) return;
	let write = 0;
	for ( let read = 0; read < series.length; read += 2 ) series[ write++ ] = series[ read ];
	series.length = write;
}

export class RunState {
	constructor() {
		this.role = 'viewer';
		this.clientId = null;
		this.training = false;
		this.paused = false;
		// The server's run state: idle, loading_data, running, paused, teaching_pause, stopping.
		this.runState = 'idle';
		this.runId = null; // the server's run identity; a new one clears the old run's views
		this.lastOutcome = 'none'; // how the last run ended: none, finished, stopped, failed
		this.architecture = [ 784, 128, 64, 10 ];
		this.activationNames = [ 'relu', 'relu' ];
		this.settings = { learning_rate: 0.01, batch_delay: 0, batch_size: 64, epochs: 3,
			teaching_mode: false, speed: 'normal', optimizer: 'sgd' };
		this.stats = { epoch: 0, batch: 0, batches_per_epoch: 0, loss: null, accuracy: null };
		this.history = emptyHistory();
		this.lastUpdate = null; // the latest update-like body: activations, gradients, label, ...
		this.confusion = null;
		this.epochResults = []; // {epoch, test_accuracy, test_loss, train_accuracy, train_loss}
		this.hasWeights = false;
		this.weightsVersion = -1;
		this.viewers = 0;
		this.data = { ready: true, downloading: false };
		this.download = null;
		this.pause = null; // the active pause_moment message
		this.complete = null; // the last training_complete message (weights stripped)
		this.verdict = null; // how the last run ended, in numbers: {outcome, test_accuracy, ..., reason}
		this.narration = null; // the last narration message (Narrated speed)
		this.lastError = null;
		this.snapshotReceived = false;
		this.snapshotCount = 0; // state snapshots applied (one per (re)connection)
	}

	get isController() {
		return this.role === 'controller';
	}

	// Applies one server message. Returns {changed: Set<string>, error?: string}.
	apply( message ) {
		const changed = new Set();
		const handler = HANDLERS[ message?.type ];
		if ( ! handler ) return { changed, error: `unknown message type "${message?.type}"` };
		const error = handler( this, message, changed );
		return error ? { changed: new Set(), error: `${message.type}: ${error}` } : { changed };
	}

	// Fraction of the run done (0..1), or null when unknown.
	progress() {
		const { epoch, batch, batches_per_epoch: perEpoch } = this.stats;
		const epochs = this.settings.epochs;
		if ( ! perEpoch || ! epochs || ! epoch ) return null;
		return Math.min( 1, ( ( epoch - 1 ) * perEpoch + batch ) / ( epochs * perEpoch ) );
	}
}

// A new run identity (every start, every new network) clears the old run's views: stats,
// curves, epochs, confusion matrix, the focus sample, the last outcome.
function adoptRun( state, message, changed ) {
	if ( ! isNumber( message.run_id ) || message.run_id === state.runId ) return;
	state.runId = message.run_id;
	state.history = emptyHistory();
	state.epochResults = [];
	state.confusion = null;
	state.complete = null;
	state.verdict = null;
	state.lastOutcome = 'none';
	state.lastUpdate = null;
	state.pause = null;
	state.stats = { epoch: 0, batch: 0, batches_per_epoch: 0, loss: null, accuracy: null };
	[ 'history', 'epochs', 'confusion', 'stats', 'activations', 'complete', 'pause', 'training', 'verdict' ]
		.forEach( ( key ) => changed.add( key ) );
}

function applySettings( state, message, changed ) {
	adoptRun( state, message, changed );
	if ( message.settings && typeof message.settings === 'object' ) {
		state.settings = { ...state.settings, ...message.settings };
		changed.add( 'settings' );
	}
	if ( message.architecture !== undefined ) {
		if ( ! Array.isArray( message.architecture ) || message.architecture.length < 2 ||
			! message.architecture.every( ( n ) => Number.isInteger( n ) && n > 0 ) ) {
			return 'architecture must be an array of positive integers';
		}
		const same = message.architecture.join() === state.architecture.join();
		state.architecture = message.architecture.slice();
		if ( ! same ) {
			changed.add( 'architecture' );
			state.hasWeights = false; // a new architecture starts from untrained weights
		}
	}
	if ( Array.isArray( message.activations_names ) ) {
		if ( message.activations_names.join() !== state.activationNames.join() ) changed.add( 'architecture' );
		state.activationNames = message.activations_names.slice();
	}
	return null;
}

function validateUpdateBody( body ) {
	if ( ! body.stats || typeof body.stats !== 'object' ) return 'missing "stats"';
	if ( body.activations !== undefined && ! isArrayOfNumberArrays( body.activations ) ) {
		return '"activations" must be an array of number arrays';
	}
	if ( body.gradients !== undefined && ! isArrayOfNumberArrays( body.gradients ) ) {
		return '"gradients" must be an array of number arrays';
	}
	return null;
}

function applyStats( state, stats, changed ) {
	for ( const key of [ 'epoch', 'batch', 'batches_per_epoch', 'loss', 'accuracy' ] ) {
		if ( stats[ key ] !== undefined ) state.stats[ key ] = stats[ key ];
	}
	if ( isNumber( stats.epochs ) ) state.settings.epochs = stats.epochs;
	if ( isNumber( stats.learning_rate ) && stats.learning_rate !== state.settings.learning_rate ) {
		state.settings.learning_rate = stats.learning_rate;
		changed.add( 'settings' );
	}
	changed.add( 'stats' );
}

function applyVerdict( state, verdict, changed ) {
	if ( verdict === undefined ) return;
	const usable = verdict && typeof verdict === 'object' && typeof verdict.outcome === 'string' ? verdict : null;
	if ( JSON.stringify( usable ) === JSON.stringify( state.verdict ) ) return;
	state.verdict = usable;
	changed.add( 'verdict' );
}

const HANDLERS = {
	connected( state, message, changed ) {
		state.clientId = message.client_id ?? null;
		state.role = message.role === 'controller' ? 'controller' : 'viewer';
		changed.add( 'role' );
		return null;
	},

	state( state, message, changed ) {
		if ( ! Array.isArray( message.architecture ) ) return 'missing "architecture"';
		const settingsError = applySettings( state, message, changed );
		if ( settingsError ) return settingsError;
		state.training = !! message.training;
		state.paused = !! message.paused;
		state.runState = typeof message.run_state === 'string' ? message.run_state
			: state.training ? ( state.paused ? 'paused' : 'running' ) : 'idle';
		if ( typeof message.last_outcome === 'string' ) state.lastOutcome = message.last_outcome;
		applyVerdict( state, message.verdict, changed );
		// A client that joins during a teaching moment gets its card with the snapshot.
		state.pause = message.pause_moment && typeof message.pause_moment.reason === 'string' ? message.pause_moment : null;
		changed.add( 'pause' );
		if ( message.stats ) applyStats( state, message.stats, changed );
		const history = emptyHistory();
		for ( const key of [ 'loss', 'accuracy', 'test_accuracy', 'test_loss' ] ) {
			const series = message.history?.[ key ];
			if ( Array.isArray( series ) ) history[ key ] = series.map( ( x ) => ( isNumber( x ) ? x : null ) );
		}
		// The server keeps every stride-th batch: point k is global batch 1 + k * stride.
		const stride = isNumber( message.history?.stride ) && message.history.stride >= 1 ? message.history.stride : 1;
		history.x = history.loss.map( ( _, k ) => 1 + k * stride );
		state.history = history;
		state.epochResults = history.test_accuracy.map( ( accuracy, i ) => ( {
			epoch: i + 1, test_accuracy: accuracy, test_loss: history.test_loss[ i ] ?? null } ) );
		if ( message.last_update && ! validateUpdateBody( message.last_update ) ) {
			state.lastUpdate = message.last_update;
			changed.add( 'activations' );
		}
		state.confusion = isArrayOfNumberArrays( message.confusion_matrix ) ? message.confusion_matrix : null;
		state.hasWeights = !! message.has_weights;
		if ( isNumber( message.weights_version ) ) state.weightsVersion = message.weights_version;
		if ( isNumber( message.viewers ) ) state.viewers = message.viewers;
		if ( message.data ) state.data = { ...state.data, ...message.data };
		state.snapshotReceived = true;
		state.snapshotCount += 1;
		[ 'training', 'history', 'confusion', 'weights', 'viewers', 'architecture', 'settings', 'epochs' ]
			.forEach( ( key ) => changed.add( key ) );
		return null;
	},

	update( state, message, changed ) {
		const error = validateUpdateBody( message );
		if ( error ) return error;
		applyStats( state, message.stats, changed );
		const x = globalBatch( state.stats );
		const history = state.history;
		if ( isNumber( message.stats.loss ) && x !== null && ! ( history.x.length && x <= history.x[ history.x.length - 1 ] ) ) {
			history.x.push( x );
			history.loss.push( message.stats.loss );
			history.accuracy.push( isNumber( message.stats.accuracy ) ? message.stats.accuracy : null );
			for ( const key of [ 'x', 'loss', 'accuracy' ] ) thinInPlace( history[ key ] );
			changed.add( 'history' );
		}
		state.lastUpdate = message;
		if ( ! state.training ) {
			state.training = true;
			changed.add( 'training' );
		}
		changed.add( 'activations' );
		return null;
	},

	pause_moment( state, message, changed ) {
		if ( typeof message.reason !== 'string' ) return 'missing "reason"';
		if ( message.stats ) applyStats( state, message.stats, changed );
		if ( isArrayOfNumberArrays( message.activations ) ) {
			state.lastUpdate = { ...( state.lastUpdate ?? {} ), ...message };
			changed.add( 'activations' );
		}
		state.pause = message;
		changed.add( 'pause' );
		return null;
	},

	run_state( state, message, changed ) {
		if ( typeof message.state !== 'string' ) return 'missing "state"';
		state.runState = message.state;
		if ( typeof message.last_outcome === 'string' ) state.lastOutcome = message.last_outcome;
		if ( message.state === 'idle' ) applyVerdict( state, message.verdict, changed );
		else if ( message.state === 'running' || message.state === 'loading_data' ) applyVerdict( state, null, changed );
		state.training = message.state !== 'idle';
		state.paused = message.state === 'paused' || message.state === 'teaching_pause';
		changed.add( 'training' );
		return null;
	},

	pause_resumed( state, message, changed ) {
		state.pause = null;
		changed.add( 'pause' );
		return null;
	},

	epoch_end( state, message, changed ) {
		if ( ! isNumber( message.epoch ) ) return 'missing "epoch"';
		const result = { epoch: message.epoch, test_accuracy: message.test_accuracy ?? null,
			test_loss: message.test_loss ?? null, train_accuracy: message.train_accuracy ?? null,
			train_loss: message.train_loss ?? null };
		state.epochResults = state.epochResults.filter( ( r ) => r.epoch !== message.epoch ).concat( result )
			.sort( ( a, b ) => a.epoch - b.epoch );
		state.history.test_accuracy = state.epochResults.map( ( r ) => r.test_accuracy );
		state.history.test_loss = state.epochResults.map( ( r ) => r.test_loss );
		if ( isArrayOfNumberArrays( message.confusion_matrix ) ) {
			state.confusion = message.confusion_matrix;
			changed.add( 'confusion' );
		}
		changed.add( 'epochs' );
		changed.add( 'weights' ); // the server's weights moved on: refresh the drawn connections
		return null;
	},

	training_started( state, message, changed ) {
		const error = applySettings( state, message, changed );
		if ( error ) return error;
		state.training = true;
		state.paused = false;
		state.history = emptyHistory();
		state.epochResults = [];
		state.confusion = null;
		state.complete = null;
		state.verdict = null;
		state.stats = { epoch: 0, batch: 0, batches_per_epoch: 0, loss: null, accuracy: null };
		[ 'training', 'history', 'epochs', 'confusion', 'stats', 'verdict' ].forEach( ( key ) => changed.add( key ) );
		return null;
	},

	training_complete( state, message, changed ) {
		state.training = false;
		state.paused = false;
		state.pause = null;
		const { weights, ...rest } = message;
		state.complete = rest;
		applyVerdict( state, message.verdict, changed );
		if ( Array.isArray( weights ) ) {
			state.hasWeights = true;
			changed.add( 'weights' );
		}
		[ 'training', 'complete', 'pause' ].forEach( ( key ) => changed.add( key ) );
		return null;
	},

	training_stopped( state, message, changed ) {
		state.training = false;
		state.paused = false;
		state.pause = null;
		[ 'training', 'pause' ].forEach( ( key ) => changed.add( key ) );
		return null;
	},

	training_paused( state, message, changed ) {
		state.paused = true;
		changed.add( 'training' );
		return null;
	},

	training_resumed( state, message, changed ) {
		state.paused = false;
		changed.add( 'training' );
		return null;
	},

	narration( state, message, changed ) {
		if ( typeof message.kind !== 'string' ) return 'missing "kind"';
		state.narration = message;
		changed.add( 'narration' );
		return null;
	},

	command_result() {
		return null; // the page sends its commands over HTTP; answers to other clients' are not ours
	},

	settings( state, message, changed ) {
		return applySettings( state, message, changed );
	},

	viewers( state, message, changed ) {
		if ( ! isNumber( message.count ) ) return 'missing "count"';
		state.viewers = message.count;
		changed.add( 'viewers' );
		return null;
	},

	download_progress( state, message, changed ) {
		state.download = message.done ? null : message;
		state.data = { ...state.data, downloading: ! message.done };
		changed.add( 'download' );
		return null;
	},

	error( state, message, changed ) {
		state.lastError = typeof message.message === 'string' ? message.message : 'unknown server error';
		changed.add( 'error' );
		return null;
	},

	pong() {
		return null;
	},
};
