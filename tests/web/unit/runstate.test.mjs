// Message handling: every protocol message type updates the run state as documented, reports
// what changed, and malformed messages are reported without touching the state.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RunState, thinInPlace, globalBatch } from '../../../resources/web/runstate.js';

const update = ( epoch, batch, loss, extra = {} ) => ( { type: 'update',
	stats: { epoch, batch, batches_per_epoch: 100, epochs: 3, loss, accuracy: 0.5, learning_rate: 0.02 },
	activations: [ [ 0, 1 ], [ 0.5 ], [ 0.1, 0.9 ] ], gradients: [ [ 0.1 ], [ 0.2, 0.3 ] ], layer_gradients: [ 0.1, 0.25 ],
	label: 1, prediction: 1, seq: batch, ...extra } );

const snapshot = ( extra = {} ) => ( { type: 'state', training: true, paused: false, architecture: [ 784, 32, 10 ],
	activations_names: [ 'tanh' ], settings: { learning_rate: 0.05, batch_delay: 0, batch_size: 64, epochs: 2,
		teaching_mode: true, speed: 'fast', optimizer: 'sgd' },
	stats: { epoch: 2, batch: 10, batches_per_epoch: 100, loss: 0.4, accuracy: 0.9 },
	history: { loss: [ 2.3, 1.0, 0.5 ], accuracy: [ 0.1, 0.6, 0.8 ], test_accuracy: [ 0.91 ], test_loss: [ 0.3 ], stride: 4 },
	last_update: update( 2, 10, 0.4 ), confusion_matrix: null, has_weights: true, weights_version: 7, viewers: 3,
	data: { ready: true, downloading: false }, ...extra } );

test( 'connected sets the role', () => {
	const s = new RunState();
	assert.equal( s.isController, false );
	const { changed } = s.apply( { type: 'connected', status: 'ready', client_id: 'c1', role: 'controller' } );
	assert.ok( changed.has( 'role' ) );
	assert.equal( s.isController, true );
	s.apply( { type: 'connected', status: 'ready', role: 'something-else' } );
	assert.equal( s.isController, false, 'anything but "controller" is a viewer' );
} );

test( 'a state snapshot shows the whole run at once (late join)', () => {
	const s = new RunState();
	const { changed, error } = s.apply( snapshot() );
	assert.equal( error, undefined );
	for ( const key of [ 'architecture', 'settings', 'stats', 'history', 'activations', 'viewers', 'training' ] ) {
		assert.ok( changed.has( key ), key );
	}
	assert.deepEqual( s.architecture, [ 784, 32, 10 ] );
	assert.deepEqual( s.activationNames, [ 'tanh' ] );
	assert.equal( s.settings.speed, 'fast' );
	assert.equal( s.stats.epoch, 2 );
	assert.equal( s.viewers, 3 );
	assert.equal( s.weightsVersion, 7 );
	assert.equal( s.training, true );
	assert.deepEqual( s.history.x, [ 1, 5, 9 ], 'point k is global batch 1 + k * stride' );
	assert.deepEqual( s.epochResults, [ { epoch: 1, test_accuracy: 0.91, test_loss: 0.3 } ] );
	assert.equal( s.lastUpdate.label, 1 );
	assert.equal( s.progress(), ( 100 + 10 ) / 200 );
} );

test( 'updates move the stats and extend the history on the global-batch axis', () => {
	const s = new RunState();
	s.apply( snapshot() );
	const { changed } = s.apply( update( 2, 20, 0.35 ) );
	assert.ok( changed.has( 'stats' ) && changed.has( 'history' ) && changed.has( 'activations' ) && changed.has( 'settings' ) );
	assert.equal( s.stats.batch, 20 );
	assert.equal( s.settings.learning_rate, 0.02, 'the live learning rate comes with each update' );
	assert.deepEqual( s.history.x.slice( - 1 ), [ 120 ] );
	assert.deepEqual( s.history.loss.slice( - 1 ), [ 0.35 ] );
	// A repeated or older batch (coalescing, reconnect) does not go backwards on the chart.
	s.apply( update( 2, 20, 0.3 ) );
	assert.equal( s.history.x.length, 4 );
	assert.equal( globalBatch( { epoch: 3, batch: 5, batches_per_epoch: 100 } ), 205 );
} );

test( 'malformed messages are reported and change nothing', () => {
	const s = new RunState();
	s.apply( snapshot() );
	const before = JSON.stringify( s );
	for ( const bad of [ { type: 'update' }, { type: 'update', stats: {}, activations: 'x' },
		{ type: 'update', stats: {}, activations: [ [ 1, 'a' ] ] }, { type: 'state' },
		{ type: 'state', architecture: [ 784, - 3, 10 ] }, { type: 'viewers' }, { type: 'epoch_end' },
		{ type: 'pause_moment' }, { type: 'no-such-type' }, null ] ) {
		const { changed, error } = s.apply( bad );
		assert.ok( error, `expected an error for ${JSON.stringify( bad )}` );
		assert.equal( changed.size, 0 );
	}
	assert.equal( JSON.stringify( s ), before );
} );

test( 'epoch_end records test accuracy and the confusion matrix', () => {
	const s = new RunState();
	s.apply( snapshot() );
	const matrix = Array.from( { length: 10 }, ( _, r ) => Array.from( { length: 10 }, ( _, c ) => ( r === c ? 90 : 1 ) ) );
	const { changed } = s.apply( { type: 'epoch_end', epoch: 2, epochs: 2, test_loss: 0.2, test_accuracy: 0.95,
		train_loss: 0.3, train_accuracy: 0.93, confusion_matrix: matrix } );
	assert.ok( changed.has( 'epochs' ) && changed.has( 'confusion' ) && changed.has( 'weights' ) );
	assert.deepEqual( s.history.test_accuracy, [ 0.91, 0.95 ] );
	assert.equal( s.confusion[ 3 ][ 3 ], 90 );
} );

test( 'run lifecycle: started, paused, teaching pause, complete', () => {
	const s = new RunState();
	s.apply( snapshot( { training: false } ) );
	s.apply( { type: 'training_started', architecture: [ 784, 32, 10 ], settings: { epochs: 1 } } );
	assert.equal( s.training, true );
	assert.equal( s.history.loss.length, 0, 'a new run starts a new chart' );
	assert.equal( s.settings.epochs, 1 );
	s.apply( { type: 'training_paused' } );
	assert.equal( s.paused, true );
	s.apply( { type: 'training_resumed' } );
	assert.equal( s.paused, false );
	const moment = { type: 'pause_moment', reason: 'first_forward', message: 'm', duration: 3,
		stats: { epoch: 1, batch: 1, loss: 2.3, accuracy: 0.1 }, activations: [ [ 0 ], [ 0 ], [ 1 ] ], label: 3, prediction: 5 };
	assert.ok( s.apply( moment ).changed.has( 'pause' ) );
	assert.equal( s.pause.reason, 'first_forward' );
	assert.equal( s.lastUpdate.label, 3, 'the pause shows its own sample' );
	s.apply( { type: 'pause_resumed', reason: 'first_forward' } );
	assert.equal( s.pause, null );
	const { changed } = s.apply( { type: 'training_complete', message: 'Training completed!',
		final_stats: { epochs: 1, final_loss: 0.2, final_accuracy: 0.95, test_accuracy: 0.96 }, weights: [], stopped: false } );
	assert.ok( changed.has( 'weights' ) && changed.has( 'training' ) );
	assert.equal( s.training, false );
	assert.equal( s.complete.final_stats.test_accuracy, 0.96 );
	assert.equal( s.complete.weights, undefined, 'weights are not kept in the state' );
} );

test( 'settings, viewers, download progress and errors', () => {
	const s = new RunState();
	let r = s.apply( { type: 'settings', settings: { learning_rate: 0.1, speed: 'step' }, architecture: [ 784, 256, 10 ],
		activations_names: [ 'sigmoid' ] } );
	assert.ok( r.changed.has( 'settings' ) && r.changed.has( 'architecture' ) );
	assert.equal( s.settings.speed, 'step' );
	assert.equal( s.settings.batch_size, 64, 'unchanged settings are kept' );
	r = s.apply( { type: 'settings', settings: { learning_rate: 0.2 }, architecture: [ 784, 256, 10 ], activations_names: [ 'sigmoid' ] } );
	assert.ok( ! r.changed.has( 'architecture' ), 'same architecture: no rebuild' );
	s.apply( { type: 'viewers', count: 12 } );
	assert.equal( s.viewers, 12 );
	s.apply( { type: 'download_progress', file: 'train-images-idx3-ubyte.gz', received: 10, total: 100, done: false } );
	assert.equal( s.download.received, 10 );
	s.apply( { type: 'download_progress', file: 'train-images-idx3-ubyte.gz', received: 100, total: 100, done: true } );
	assert.equal( s.download, null );
	s.apply( { type: 'error', message: 'viewers cannot start training' } );
	assert.equal( s.lastError, 'viewers cannot start training' );
} );

test( 'history thinning keeps every other point above the limit', () => {
	const series = Array.from( { length: 11 }, ( _, i ) => i );
	thinInPlace( series, 10 );
	assert.deepEqual( series, [ 0, 2, 4, 6, 8, 10 ] );
	const s = new RunState();
	s.apply( snapshot() );
	for ( let b = 11; b < 2200; ++ b ) s.apply( update( 2, b, 1 / b ) );
	assert.ok( s.history.x.length <= 2000 );
	assert.equal( s.history.x.length, s.history.loss.length );
	for ( let k = 1; k < s.history.x.length; ++ k ) assert.ok( s.history.x[ k ] > s.history.x[ k - 1 ] );
} );

test( 'a client that joins during a teaching pause shows the card, then follows the run', () => {
	const s = new RunState();
	const moment = { type: 'pause_moment', reason: 'first_forward', message: 'First forward pass: …', duration: 2.4 };
	s.apply( snapshot( { paused: true, run_state: 'teaching_pause', pause_moment: moment } ) );
	assert.equal( s.runState, 'teaching_pause' );
	assert.equal( s.paused, true );
	assert.equal( s.pause?.reason, 'first_forward', 'the card comes with the snapshot' );
	s.apply( { type: 'pause_resumed', reason: 'first_forward' } );
	const { changed } = s.apply( { type: 'run_state', state: 'running', training: true, paused: false } );
	assert.ok( changed.has( 'training' ) );
	assert.equal( s.pause, null );
	assert.equal( s.paused, false, 'the page no longer says "Paused" once the pause is over' );
	assert.equal( s.training, true );
} );

test( 'run_state drives training and paused; a malformed one is refused', () => {
	const s = new RunState();
	s.apply( { type: 'run_state', state: 'paused' } );
	assert.deepEqual( [ s.training, s.paused, s.runState ], [ true, true, 'paused' ] );
	s.apply( { type: 'run_state', state: 'idle', last_outcome: 'stopped' } );
	assert.deepEqual( [ s.training, s.paused, s.lastOutcome ], [ false, false, 'stopped' ] );
	assert.ok( s.apply( { type: 'run_state' } ).error );
} );

test( 'a new run identity clears the old run\'s views', () => {
	const s = new RunState();
	s.apply( snapshot( { run_id: 3, last_outcome: 'finished', confusion_matrix: [ [ 1 ] ] } ) );
	s.apply( { type: 'epoch_end', epoch: 1, test_accuracy: 0.9 } );
	assert.ok( s.history.loss.length > 0 );
	assert.equal( s.lastOutcome, 'finished' );
	// Same run: settings changes keep the views.
	s.apply( { type: 'settings', run_id: 3, settings: { learning_rate: 0.1 } } );
	assert.ok( s.history.loss.length > 0 );
	// A new network: a new run identity.
	const { changed } = s.apply( { type: 'settings', run_id: 4, architecture: [ 784, 16, 10 ], activations_names: [ 'relu' ] } );
	for ( const key of [ 'history', 'epochs', 'confusion', 'stats', 'activations' ] ) assert.ok( changed.has( key ), key );
	assert.equal( s.history.loss.length, 0 );
	assert.deepEqual( s.epochResults, [] );
	assert.equal( s.confusion, null );
	assert.equal( s.lastUpdate, null );
	assert.equal( s.stats.epoch, 0 );
	assert.equal( s.lastOutcome, 'none' );
} );

test( 'narration messages are kept for the captions; malformed ones are refused', () => {
	const s = new RunState();
	const n = { type: 'narration', kind: 'loss_halved', text: 'The loss halved', batch: 80, epoch: 1, value: 0.6, previous: 1.2, since_batch: 20 };
	assert.ok( s.apply( n ).changed.has( 'narration' ) );
	assert.equal( s.narration.value, 0.6 );
	assert.match( s.apply( { type: 'narration' } ).error, /kind/ );
	assert.equal( s.narration.value, 0.6 );
} );

test( 'the verdict comes with training_complete, an idle run_state or state, and goes with a new run', () => {
	const s = new RunState();
	const verdict = { outcome: 'learned', test_accuracy: 0.972, initial_loss: 2.3, final_loss: 0.09, dead_fraction: 0, reason: 'It learned.' };
	assert.ok( s.apply( { type: 'training_complete', message: 'Training completed!', final_stats: {}, stopped: false, verdict } ).changed.has( 'verdict' ) );
	assert.deepEqual( s.verdict, verdict );
	s.apply( { type: 'run_state', state: 'running' } );
	assert.equal( s.verdict, null, 'a running run has no verdict yet' );
	s.apply( { type: 'run_state', state: 'idle', last_outcome: 'finished', verdict: { ...verdict, outcome: 'stuck' } } );
	assert.equal( s.verdict.outcome, 'stuck' );
	s.apply( snapshot( { training: false, verdict } ) );
	assert.equal( s.verdict.outcome, 'learned', 'a late joiner gets it with the snapshot' );
	s.apply( { type: 'training_started', run_id: 99, architecture: [ 784, 32, 10 ], settings: {} } );
	assert.equal( s.verdict, null );
	s.apply( { type: 'training_complete', final_stats: {}, verdict: 'nonsense' } );
	assert.equal( s.verdict, null, 'an unusable verdict is none' );
} );

test( 'a teaching moment held by Pause stays on show while the run is paused', () => {
	const s = new RunState();
	s.apply( snapshot() );
	s.apply( { type: 'pause_moment', reason: 'divergence', message: '…', duration: 4, data: { loss: 9 }, focus_output_gradient: new Array( 10 ).fill( 0 ) } );
	s.apply( { type: 'run_state', state: 'paused', pause_reason: 'divergence', training: true, paused: true } );
	assert.equal( s.pause?.reason, 'divergence' );
	assert.equal( s.runState, 'paused' );
	s.apply( { type: 'pause_resumed', reason: 'divergence' } );
	assert.equal( s.pause, null );
} );
