// Wires the page together: server messages -> RunState -> scene / UI / charts; user actions ->
// server commands. Also keeps the in-browser copy of the weights in sync for draw & predict.
import { ApiClient } from './api.js';
import { RunState } from './runstate.js';
import { NetworkScene } from './scene.js';
import { Ui } from './ui.js';
import { TrainingChart, renderConfusion } from './charts.js';
import { DrawingPad, paintDigit } from './drawing.js';
import { parseWeights, forward } from './inference.js';
import { Inspector, TeachingOverlay } from './overlays.js';
import { ArchitectureDialog } from './architecture.js';
import { LearningViews } from './learning.js';

const $ = ( id ) => document.getElementById( id );
performance.mark( 'nnj-modules-loaded' ); // every import above has been fetched and evaluated

function readToken() {
	const fromUrl = new URL( location.href ).searchParams.get( 'token' );
	try {
		if ( fromUrl ) sessionStorage.setItem( 'nnj-token', fromUrl );
		return fromUrl || sessionStorage.getItem( 'nnj-token' );
	} catch {
		return fromUrl;
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

const api = new ApiClient( { pageUrl: location.href, token: readToken() } );
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
let skipPausesLocally = stored( 'nnj-skip-pauses', 'false' ) === 'true';

const ui = new Ui( {
	onPlayPause: playPause,
	onStep: () => command( api.stepTraining(), 'step' ),
	onStop: () => command( api.stopTraining(), 'stop' ),
	onSpeed: ( mode ) => command( api.setSpeed( mode ), 'speed' ),
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
const scene = new NetworkScene( $( 'network-canvas' ), { theme: initialTheme, onPick: ( selection ) => showInspector( selection ) } );
const chart = new TrainingChart( $( 'chart' ) );
const inspector = new Inspector( { onClose: () => {
	scene.select( null );
	showInspector( null );
} } );
const teaching = new TeachingOverlay( { onContinue: continueAfterPause } );
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
	},
	useInput: ( pixels, caption ) => useInput( pixels, caption ),
} );


// ---- Commands ------------------------------------------------------------------------------
async function command( request, what ) {
	const { ok, status, data } = await request;
	if ( ok ) return data;
	if ( data?.status === 'busy' ) {
		ui.toast( data.message ? `Busy: ${data.message}` : 'Training is already running.', 'busy' );
	} else if ( status === 401 || status === 403 ) {
		ui.toast( `Not allowed to change the ${what}: this page is a viewer (open it with the join link to drive).`, 'error' );
	} else {
		ui.toast( `Could not change the ${what}: ${data?.message ?? `HTTP ${status}`}`, 'error' );
	}
	ui.renderSettings( state ); // undo optimistic control changes
	return null;
}

function playPause() {
	if ( ! state.training ) return command( api.startTraining(), 'run' );
	return state.paused ? command( api.resumeTraining(), 'run' ) : command( api.pauseTraining(), 'run' );
}

async function applyArchitecture( layers, activations ) {
	const { ok, data } = await api.setArchitecture( layers, activations );
	if ( ! ok ) return data?.message ?? 'The server refused the architecture.';
	ui.toast( `New network ${layers.join( '-' )}: training starts from fresh weights.` );
	return '';
}

function continueAfterPause( skipFuture ) {
	teaching.hide();
	if ( skipFuture ) {
		if ( state.isController ) command( api.setTeachingMode( false ), 'teaching mode' );
		skipPausesLocally = ! state.isController;
		store( 'nnj-skip-pauses', String( skipPausesLocally ) );
	}
	if ( state.isController && state.pause ) command( api.resumeTraining(), 'run' );
}

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
	if ( model.sizes.join() === state.architecture.join() ) {
		view.source = 'drawing';
		if ( view.sweepNext ) scene.sweep( result.activations );
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
	if ( ok ) showPrediction( { digit: data.digit, probabilities: data.probabilities, activations: data.activations } );
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
		source: drawing ? 'your drawing' : 'focus sample' };
}

function showInspector( selection ) {
	inspector.show( selection, inspectorContext() );
}

function refreshInspector() {
	if ( inspector.selection ) inspector.refresh( inspectorContext() );
}

// ---- Server messages ------------------------------------------------------------------------
const ANALYSIS_MESSAGES = new Set( [ 'analysis_progress', 'landscape', 'random_steps', 'analysis_cancelled' ] );

function onMessage( message ) {
	if ( message.type === 'state' && ! state.snapshotReceived ) performance.mark( 'nnj-first-snapshot' );
	if ( ANALYSIS_MESSAGES.has( message.type ) ) {
		learning.onMessage( message ); // the learning views' jobs, not the run's state
		return;
	}
	const { changed, error } = state.apply( message );
	if ( error ) {
		console.warn( `ignored server message: ${error}` );
		return;
	}
	if ( changed.has( 'role' ) ) ui.renderRole( state );
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
	}
	if ( changed.has( 'activations' ) ) {
		const update = state.lastUpdate;
		ui.renderSample( update, paintDigit );
		if ( view.source === 'training' ) {
			scene.setActivations( update?.activations ?? null );
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
		if ( state.pause && ! skipPausesLocally ) teaching.show( state.pause );
		else teaching.hide();
		ui.renderTraining( state );
	}
	if ( changed.has( 'download' ) || message.type === 'state' ) renderDataBanner();
	if ( changed.has( 'error' ) ) ui.toast( state.lastError, 'error' );
	handleWeightsMessage( message, changed );
	if ( message.type === 'training_started' ) {
		scene.resetRun();
		ui.renderStats( state );
		setTimeout( refreshWeights, 2500 ); // the server shares the first live weights after ~1 s
	}
	if ( message.type === 'training_complete' ) {
		ui.toast( state.complete?.stopped ? 'Training stopped.' : `Training complete: test accuracy ${
			formatFraction( state.complete?.final_stats?.test_accuracy )}. Draw a digit to try it.` );
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
	}
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
$( 'predict-button' ).addEventListener( 'click', () => predictButton() );
$( 'architecture-open' ).addEventListener( 'click', () => architecture.open( state.architecture, state.activationNames ) );
document.addEventListener( 'keydown', ( e ) => {
	if ( e.key === 'Escape' && ! $( 'draw-panel' ).hidden ) setDrawingOpen( false );
} );

ui.setTheme( initialTheme );
showPrediction( null );
ui.renderRole( state );
ui.renderTraining( state );
ui.renderSettings( state );

pageReady = true;
if ( earlySocket ) api.connect( earlySocket );

// Read-only hooks for the benchmark and the end-to-end tests.
window.__nnj = { state, scene, weights, learning, perf: () => scene.perf(), drawingInput: () => Array.from( pad.input().pixels ) };
