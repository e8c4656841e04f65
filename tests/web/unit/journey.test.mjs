// The journey tracker: each task ticks on its own real event and on no other, achievements use
// their exact thresholds, progress survives a reload, and a whole training run ticks none of
// the drawing and inspecting tasks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { JourneyTracker, JOURNEY_STORAGE_KEY } from '../../../resources/web/journey.js';

// The shared structure both surfaces read (the server serves it at /api/journey); the same
// literal when the checkout predates it, and then the two must agree.
const CONTRACT = { chapters: [ { id: 'neuron', tasks: [ 'watch-forward-pass', 'inspect-neuron', 'read-glossary' ] },
	{ id: 'forward', tasks: [ 'draw-digit', 'watch-sweep', 'open-features' ] },
	{ id: 'learning', tasks: [ 'start-training', 'see-backward', 'reach-90' ] },
	{ id: 'going-wrong', tasks: [ 'diverge', 'see-plateau-or-stuck', 'find-dead-neuron' ] },
	{ id: 'choices', tasks: [ 'compare-activations', 'change-architecture', 'explore-landscape' ] } ],
achievements: [ { id: 'first-prediction' }, { id: 'accuracy-90', threshold: 0.90 }, { id: 'accuracy-95', threshold: 0.95 },
	{ id: 'accuracy-98', threshold: 0.98 }, { id: 'survived-divergence' }, { id: 'explorer', views: 7 }, { id: 'architect', architectures: 3 } ] };
const file = new URL( '../../../resources/journey/journey.json', import.meta.url );
const structure = existsSync( file ) ? JSON.parse( readFileSync( file, 'utf8' ) ) : CONTRACT;

function memoryStorage() {
	const map = new Map();
	return { getItem: ( k ) => ( map.has( k ) ? map.get( k ) : null ), setItem: ( k, v ) => map.set( k, String( v ) ), map };
}

const tracker = () => new JourneyTracker( structure, { storage: memoryStorage() } );

// Each task with the one event that should tick it.
const TICKS = {
	'watch-forward-pass': { type: 'moment', reason: 'first_forward', shown: true },
	'inspect-neuron': { type: 'inspect', layer: 1, weightsImage: true },
	'read-glossary': { type: 'glossary-entry', id: 'loss' },
	'draw-digit': { type: 'prediction' },
	'watch-sweep': { type: 'sweep-end', forDrawing: true },
	'open-features': { type: 'features-shown', tiles: 128 },
	'start-training': { type: 'epoch-end', testAccuracy: 0.5, activations: [ 'relu' ], architecture: [ 784, 10, 10 ] },
	'see-backward': { type: 'moment', reason: 'first_backward', shown: true },
	'reach-90': { type: 'epoch-end', testAccuracy: 0.9 },
	diverge: { type: 'moment', reason: 'divergence', learningRate: 0.5 },
	'see-plateau-or-stuck': { type: 'moment', reason: 'plateau', learningRate: 0.01 },
	'find-dead-neuron': { type: 'moment', reason: 'dead_units', shown: true },
	'change-architecture': { type: 'architecture-applied' },
	'explore-landscape': { type: 'landscape-shown' },
};

test( 'the structure is the shared journey.json: 5 chapters of 3 tasks, 7 achievements', () => {
	assert.equal( structure.chapters.length, 5 );
	assert.ok( structure.chapters.every( ( c ) => c.tasks.length === 3 ) );
	assert.equal( structure.achievements.length, 7 );
	assert.deepEqual( structure.chapters, CONTRACT.chapters );
	assert.deepEqual( structure.achievements, CONTRACT.achievements );
	for ( const task of Object.keys( TICKS ) ) assert.ok( tracker().taskIds.includes( task ), task );
} );

test( 'each task ticks on its own event and ticks nothing else', () => {
	for ( const [ task, event ] of Object.entries( TICKS ) ) {
		const t = tracker();
		const { tasks } = t.record( event );
		const expected = task === 'reach-90' ? [ 'start-training', 'reach-90' ]
			: task === 'watch-sweep' ? [ 'watch-forward-pass', 'watch-sweep' ] : [ task ];
		assert.deepEqual( tasks.sort(), expected.sort(), `${task} from ${JSON.stringify( event )}` );
	}
} );

test( 'near misses do not tick', () => {
	const t = tracker();
	const misses = [
		{ type: 'moment', reason: 'first_forward', shown: false }, // arrived but the card was not shown
		{ type: 'moment', reason: 'first_backward', shown: false },
		{ type: 'moment', reason: 'dead_units', shown: false },
		{ type: 'moment', reason: 'divergence', learningRate: 0.49 }, // not a big enough learning rate
		{ type: 'verdict', outcome: 'diverged', learningRate: 0.3 },
		{ type: 'inspect', layer: 2, weightsImage: false }, // not a first-layer neuron
		{ type: 'inspect', layer: 1, weightsImage: false }, // no weights drawn
		{ type: 'sweep-end', forDrawing: false },
		{ type: 'features-shown', tiles: 0 },
		{ type: 'dead-highlighted', count: 0 },
		{ type: 'epoch-end', testAccuracy: 0.8999 },
		{ type: 'verdict', outcome: 'learned' },
		{ type: 'something-else' },
	];
	const ticked = misses.flatMap( ( e ) => t.record( e ).tasks );
	assert.deepEqual( ticked.sort(), [ 'start-training', 'watch-forward-pass' ],
		'only the sweep (to its end) and the epoch end count' );
	assert.equal( t.isDone( 'reach-90' ), false );
	assert.equal( t.hasAchievement( 'survived-divergence' ), false, 'no divergence yet' );
} );

test( 'a whole training run ticks none of the drawing or inspecting tasks', () => {
	const t = tracker();
	// What a three-epoch run with teaching mode on sends the page.
	const run = [ { type: 'moment', reason: 'first_forward', shown: true }, { type: 'moment', reason: 'first_backward', shown: true },
		{ type: 'moment', reason: 'high_loss', shown: true }, { type: 'moment', reason: 'epoch_end', shown: true },
		{ type: 'moment', reason: 'confident_mistake', shown: true } ];
	for ( const accuracy of [ 0.93, 0.95, 0.96 ] ) run.push( { type: 'epoch-end', testAccuracy: accuracy, activations: [ 'relu', 'relu' ], architecture: [ 784, 128, 64, 10 ] } );
	run.push( { type: 'verdict', outcome: 'learned', learningRate: 0.01 } );
	for ( const e of run ) t.record( e );
	for ( const task of [ 'draw-digit', 'watch-sweep', 'inspect-neuron', 'open-features', 'read-glossary', 'find-dead-neuron', 'compare-activations' ] ) {
		assert.equal( t.isDone( task ), false, task );
	}
	assert.equal( t.hasAchievement( 'first-prediction' ), false );
	assert.ok( t.isDone( 'start-training' ) && t.isDone( 'reach-90' ) && t.isDone( 'see-backward' ) );
} );

test( 'accuracy achievements use their exact thresholds', () => {
	const t = tracker();
	assert.deepEqual( t.record( { type: 'epoch-end', testAccuracy: 0.8999 } ).achievements, [] );
	assert.deepEqual( t.record( { type: 'epoch-end', testAccuracy: 0.9 } ).achievements, [ 'accuracy-90' ] );
	assert.deepEqual( t.record( { type: 'epoch-end', testAccuracy: 0.9499 } ).achievements, [] );
	assert.deepEqual( t.record( { type: 'epoch-end', testAccuracy: 0.98 } ).achievements, [ 'accuracy-95', 'accuracy-98' ] );
	assert.deepEqual( t.record( { type: 'epoch-end', testAccuracy: 0.99 } ).achievements, [], 'each is earned once' );
} );

test( 'first prediction, survived divergence, explorer and architect', () => {
	const t = tracker();
	assert.deepEqual( t.record( { type: 'prediction' } ).achievements, [ 'first-prediction' ] );
	t.record( { type: 'verdict', outcome: 'diverged', learningRate: 2 } );
	assert.ok( t.isDone( 'diverge' ) );
	assert.deepEqual( t.record( { type: 'verdict', outcome: 'learned', learningRate: 0.01 } ).achievements, [ 'survived-divergence' ] );
	const views = [ 'features', 'histograms', 'mistakes', 'compare', 'steps', 'landscape' ];
	for ( const view of views ) assert.deepEqual( t.record( { type: 'view-opened', view } ).achievements, [] );
	assert.deepEqual( t.record( { type: 'view-opened', view: 'features' } ).achievements, [], 'the same view twice counts once' );
	assert.deepEqual( t.record( { type: 'view-opened', view: 'painter' } ).achievements, [ 'explorer' ] );
	const epoch = ( architecture, activations ) => t.record( { type: 'epoch-end', testAccuracy: 0.5, architecture, activations } );
	assert.deepEqual( epoch( [ 784, 128, 64, 10 ], [ 'relu', 'relu' ] ).achievements, [] );
	assert.deepEqual( epoch( [ 784, 128, 64, 10 ], [ 'relu', 'relu' ] ).achievements, [] );
	assert.equal( t.isDone( 'compare-activations' ), false, 'one activation function so far' );
	assert.deepEqual( epoch( [ 784, 32, 10 ], [ 'relu' ] ).achievements, [] );
	assert.deepEqual( epoch( [ 784, 32, 10 ], [ 'tanh' ] ).tasks, [ 'compare-activations' ] );
	assert.ok( t.hasAchievement( 'architect' ), 'three different architectures reached an epoch end' );
} );

test( 'progress is saved under nnj.journey.v1 and read back; the current chapter moves on', () => {
	const storage = memoryStorage();
	const t = new JourneyTracker( structure, { storage } );
	assert.equal( t.currentChapter().id, 'neuron' );
	for ( const task of [ 'watch-forward-pass', 'inspect-neuron', 'read-glossary' ] ) t.record( TICKS[ task ] );
	assert.equal( t.currentChapter().id, 'forward' );
	assert.ok( storage.map.has( JOURNEY_STORAGE_KEY ) );
	const again = new JourneyTracker( structure, { storage } );
	assert.ok( again.isDone( 'inspect-neuron' ) );
	assert.equal( again.currentChapter().id, 'forward' );
	storage.setItem( JOURNEY_STORAGE_KEY, '{not json' );
	assert.equal( new JourneyTracker( structure, { storage } ).progress.tasks.length, 0, 'corrupt progress starts over' );
} );
