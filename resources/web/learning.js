// The "Learning views" drawer: tabs over the learning-view API (docs/protocol.md, "Learning views"):
// features gallery, histograms, mistakes, trained vs untrained, gradient descent vs random steps,
// loss landscape, and the weight painter (on a private copy of the weights in this browser).
// Every number shown comes from the server's answer or from the page's own forward pass.
import uPlot from 'uplot';
import { decodeFeatureWeights, divergingColor, imagePixels, maxAbs, tileOrder, rampColor, privateCopy, paintNeuron,
	histogramTotal, pathExtent } from './analysis.js';
import { forward } from './inference.js';
import { layerName } from './strings.js';

const $ = ( id ) => document.getElementById( id );
const css = ( name ) => getComputedStyle( document.documentElement ).getPropertyValue( name ).trim();
const GALLERY_REFRESH_MS = 500; // at most 2 refreshes a second while training, only while visible
const HIST_REFRESH_MS = 1000; // the histograms: at most once a second while training, only while visible
const HIST_BINS = 30;
const HIST_SAMPLES = 1000;
const FEATURE_SAMPLES = 1000;
const TOP_K = 16;
const PATH_NEAR_CENTRE = 0.05; // a projected path within 5% of the span is explained in words

function parseColor( text ) {
	const probe = document.createElement( 'canvas' ).getContext( '2d' );
	probe.fillStyle = text;
	const hex = probe.fillStyle;
	return [ 1, 3, 5 ].map( ( i ) => parseInt( hex.slice( i, i + 2 ), 16 ) );
}

function weightColors() {
	return { base: parseColor( css( '--surface-2' ) ), positive: parseColor( css( '--positive' ) ), negative: parseColor( css( '--negative' ) ) };
}

// Paints `values[offset .. offset + cols*rows)` into a canvas of cols × rows pixels (diverging).
function paintTile( canvas, values, offset, cols, rows, scale, colors ) {
	canvas.width = cols;
	canvas.height = rows;
	const context = canvas.getContext( '2d' );
	const image = context.createImageData( cols, rows );
	const count = Math.min( cols * rows, values.length - offset );
	for ( let k = 0; k < cols * rows; ++ k ) {
		const rgb = k < count ? divergingColor( values[ offset + k ], scale, colors ) : colors.base;
		image.data.set( [ rgb[ 0 ], rgb[ 1 ], rgb[ 2 ], 255 ], k * 4 );
	}
	context.putImageData( image, 0, 0 );
}

function paintGray( canvas, pixels ) {
	canvas.width = 28;
	canvas.height = 28;
	const context = canvas.getContext( '2d' );
	const image = context.createImageData( 28, 28 );
	for ( let k = 0; k < 784; ++ k ) {
		const v = Math.round( Math.max( 0, Math.min( 1, pixels[ k ] ) ) * 255 );
		image.data.set( [ v, v, v, 255 ], k * 4 );
	}
	context.putImageData( image, 0, 0 );
}

const percent = ( v ) => `${( v * 100 ).toFixed( 1 )}%`;
const el = ( tag, props = {}, ...children ) => {
	const node = Object.assign( document.createElement( tag ), props );
	node.append( ...children );
	return node;
};

function probabilityBars( list, probabilities, digit ) {
	list.replaceChildren( ...Array.from( probabilities, ( value, d ) => {
		const bar = el( 'span', { className: 'bar' } );
		bar.style.height = `${Math.max( 2, value * 50 )}px`;
		const li = el( 'li', { className: d === digit ? 'top' : '' }, el( 'span', { className: 'value', textContent: String( Math.round( value * 100 ) ) } ),
			bar, el( 'span', { textContent: String( d ) } ) );
		li.setAttribute( 'aria-label', `${d}: ${percent( value )}` );
		return li;
	} ) );
}

/**
 * host: {api, state, model(), drawing() -> Float32Array|null, selectNeuron(layer, index),
 * highlight(layer, indices, label), useInput(pixels, caption), onEvent?(event): what the person saw, for
 * the journey ({type: "view-opened", view}, {type: "features-shown", tiles}, {type: "landscape-shown"})}.
 */
export class LearningViews {
	constructor( host ) {
		this.host = host;
		this.panel = $( 'learning' );
		this.tabs = [ ...$( 'learning-tabs' ).querySelectorAll( '[role=tab]' ) ];
		this.view = 'features';
		this.features = { data: null, weights: null, loading: false, lastAt: 0, shared: false };
		this.hist = { loading: false, lastAt: 0, loaded: false };
		this.jobs = { landscape: null, random_steps: null }; // our job id per kind
		this.finished = new Map(); // job id -> result message (it can come before the POST's answer)
		this.painter = { model: null, source: null };
		$( 'learning-open' ).addEventListener( 'click', () => this.setOpen( this.panel.hidden ) );
		$( 'learning-close' ).addEventListener( 'click', () => this.setOpen( false ) );
		this.tabs.forEach( ( tab, k ) => {
			tab.addEventListener( 'click', () => this.show( tab.dataset.view ) );
			tab.addEventListener( 'keydown', ( e ) => {
				const step = { ArrowRight: 1, ArrowLeft: - 1, Home: - k, End: this.tabs.length - 1 - k }[ e.key ];
				if ( step === undefined ) return;
				e.preventDefault();
				const next = this.tabs[ ( k + step + this.tabs.length ) % this.tabs.length ];
				next.focus();
				this.show( next.dataset.view );
			} );
		} );
		this.panel.addEventListener( 'keydown', ( e ) => {
			if ( e.key === 'Escape' ) {
				e.stopPropagation();
				this.setOpen( false );
				$( 'learning-open' ).focus();
			}
		} );
		this.setupFeatures();
		this.setupHistograms();
		this.setupMistakes();
		this.setupCompare();
		this.setupSteps();
		this.setupLandscape();
		this.setupPainter();
		this.selectTab( 'features' );
	}

	get visible() {
		return ! this.panel.hidden;
	}

	setOpen( open, view ) {
		this.panel.hidden = ! open;
		$( 'learning-open' ).setAttribute( 'aria-expanded', String( open ) );
		this.panel.closest( '.stage' )?.classList.toggle( 'learning-open', open );
		if ( open ) this.show( view ?? this.view );
	}

	selectTab( view ) {
		this.view = view;
		for ( const tab of this.tabs ) {
			const selected = tab.dataset.view === view;
			tab.setAttribute( 'aria-selected', String( selected ) );
			tab.tabIndex = selected ? 0 : - 1;
			$( tab.getAttribute( 'aria-controls' ) ).hidden = ! selected;
		}
	}

	// Opens tab `view` and loads what it shows.
	show( view ) {
		this.selectTab( view );
		if ( ! this.visible ) return;
		this.host.onEvent?.( { type: 'view-opened', view } );
		if ( view === 'features' ) this.loadFeatures();
		else if ( view === 'histograms' ) this.loadHistograms();
		else if ( view === 'compare' ) this.loadCompare();
		else if ( view === 'landscape' ) this.landscape?.resize();
		else if ( view === 'steps' ) this.resizeStepsChart();
		else if ( view === 'painter' ) this.loadPainter();
		else if ( view === 'mistakes' && ! this.mistakesShown ) this.loadMistakes();
	}

	// A new training update arrived (main.js): refresh the live gallery or histograms, throttled.
	onRunProgress() {
		if ( ! this.visible || document.visibilityState !== 'visible' ) return;
		const now = performance.now();
		if ( this.view === 'features' && now - this.features.lastAt >= GALLERY_REFRESH_MS ) this.loadFeatures();
		if ( this.view === 'histograms' && now - this.hist.lastAt >= HIST_REFRESH_MS ) this.loadHistograms();
	}

	// The architecture changed: what was loaded no longer applies.
	onArchitecture() {
		this.features.data = null;
		this.painter.model = null;
		this.fillLayerSelect();
		if ( this.visible ) this.show( this.view );
	}

	// The drawing (or a chosen test image) changed.
	onInputChanged() {
		if ( ! this.visible ) return;
		if ( this.view === 'painter' ) this.updatePainterPrediction();
		if ( this.view === 'compare' ) this.loadCompareDrawing();
	}

	// WebSocket messages of the learning-view jobs.
	onMessage( message ) {
		const kind = message.type === 'analysis_progress' || message.type === 'analysis_cancelled' ? message.kind : message.type;
		if ( kind !== 'landscape' && kind !== 'random_steps' ) return;
		if ( message.type === 'landscape' || message.type === 'random_steps' ) this.finished.set( message.job, message );
		if ( message.job !== this.jobs[ kind ] ) return;
		const ui = kind === 'landscape' ? 'landscape' : 'steps';
		if ( message.type === 'analysis_progress' ) {
			$( `${ui}-bar` ).style.width = `${( message.done / Math.max( 1, message.total ) * 100 ).toFixed( 1 )}%`;
			$( `${ui}-status` ).textContent = `Computing… ${message.done} of ${message.total} ${kind === 'landscape' ? 'points' : 'steps'}`;
		} else if ( message.type === 'analysis_cancelled' ) {
			this.jobEnded( kind, 'Cancelled.' );
		} else {
			this.jobEnded( kind );
			if ( kind === 'landscape' ) {
				this.showLandscape( message );
				this.host.onEvent?.( { type: 'landscape-shown' } );
			}
			else this.showSteps( message );
		}
	}

	jobEnded( kind, note ) {
		this.jobs[ kind ] = null;
		const ui = kind === 'landscape' ? 'landscape' : 'steps';
		$( `${ui}-start` ).disabled = false;
		$( `${ui}-cancel` ).disabled = true;
		if ( note ) $( `${ui}-status` ).textContent = note;
	}

	async startJob( kind, path, body ) {
		const ui = kind === 'landscape' ? 'landscape' : 'steps';
		$( `${ui}-start` ).disabled = true;
		$( `${ui}-bar` ).style.width = '0%';
		$( `${ui}-status` ).textContent = 'Starting…';
		const { ok, data } = await this.host.api.post( path, { body } );
		if ( ! ok || data?.status !== 'accepted' ) {
			this.jobEnded( kind, `Could not start: ${data?.message ?? 'no answer'}` );
			return;
		}
		this.jobs[ kind ] = data.job;
		$( `${ui}-cancel` ).disabled = false;
		const done = this.finished.get( data.job );
		if ( done ) this.onMessage( done );
	}

	async cancelJob( kind, path ) {
		const job = this.jobs[ kind ];
		if ( ! job ) return;
		await this.host.api.request( 'DELETE', path, { query: { job } } );
		this.jobEnded( kind, 'Cancelled.' );
	}

	// ---- Features gallery -------------------------------------------------------------------
	setupFeatures() {
		this.fillLayerSelect();
		$( 'features-layer' ).addEventListener( 'change', () => {
			this.features.data = null;
			$( 'features-top' ).hidden = true;
			this.loadFeatures();
		} );
		$( 'features-sort' ).addEventListener( 'change', () => this.renderFeatures() );
		$( 'features-scale' ).addEventListener( 'click', ( e ) => {
			this.features.shared = ! this.features.shared;
			e.currentTarget.setAttribute( 'aria-pressed', String( this.features.shared ) );
			this.renderFeatures();
		} );
		$( 'features-grid' ).addEventListener( 'click', ( e ) => {
			const tile = e.target.closest( '[data-neuron]' );
			if ( tile ) this.pickFeature( Number( tile.dataset.neuron ) );
		} );
	}

	fillLayerSelect() {
		const sizes = this.host.state.architecture;
		const select = $( 'features-layer' );
		const previous = select.value;
		select.replaceChildren( ...sizes.slice( 1 ).map( ( n, k ) => el( 'option', { value: String( k + 1 ),
			textContent: k + 2 === sizes.length ? `Output (${n})` : `Hidden ${k + 1} (${n})` } ) ) );
		if ( [ ...select.options ].some( ( o ) => o.value === previous ) ) select.value = previous;
	}

	async loadFeatures() {
		const f = this.features;
		if ( f.loading ) return;
		f.loading = true;
		f.lastAt = performance.now();
		const layer = Number( $( 'features-layer' ).value || 1 );
		const { ok, data } = await this.host.api.get( '/api/analysis/features', { query: { layer, samples: FEATURE_SAMPLES } } );
		f.loading = false;
		f.lastAt = performance.now();
		if ( ! ok ) {
			$( 'features-status' ).textContent = data?.message ?? 'The features could not be loaded.';
			return;
		}
		try {
			f.weights = decodeFeatureWeights( data );
		} catch ( error ) {
			$( 'features-status' ).textContent = error.message;
			return;
		}
		f.data = data;
		this.renderFeatures();
	}

	renderFeatures() {
		const { data, weights, shared } = this.features;
		if ( ! data ) return;
		const { neurons, inputs, layer, samples } = data;
		const image = inputs === 784;
		const cols = image ? 28 : Math.ceil( Math.sqrt( inputs ) );
		const rows = Math.ceil( inputs / cols );
		const sharedScale = Math.max( 1e-12, ...data.scales );
		const colors = weightColors();
		const grid = $( 'features-grid' );
		grid.classList.toggle( 'image-tiles', image );
		const existing = new Map( [ ...grid.children ].map( ( c ) => [ Number( c.dataset.neuron ), c ] ) );
		const order = tileOrder( $( 'features-sort' ).value, data.weight_norms, data.firing );
		const tiles = order.map( ( j ) => {
			let tile = existing.get( j );
			if ( ! tile ) {
				tile = el( 'button', { type: 'button', className: 'tile' }, el( 'canvas' ), el( 'span', { className: 'tile-label' } ) );
				tile.dataset.neuron = String( j );
			}
			const scale = shared ? sharedScale : Math.max( 1e-12, data.scales[ j ] );
			paintTile( tile.firstChild, weights, j * inputs, cols, rows, scale, colors );
			tile.lastChild.textContent = String( j );
			const title = `neuron ${j}: weight norm ${data.weight_norms[ j ].toFixed( 3 )}, fires on ${percent( data.firing[ j ] )} of ${samples} test images, max |w| ${data.scales[ j ].toFixed( 3 )}`;
			tile.title = title;
			tile.setAttribute( 'aria-label', title );
			return tile;
		} );
		grid.replaceChildren( ...tiles );
		if ( this.visible && this.view === 'features' ) this.host.onEvent?.( { type: 'features-shown', tiles: tiles.length } );
		$( 'features-scale-note' ).textContent = shared ? `· one scale, |w| ≤ ${sharedScale.toFixed( 3 )}` : '· each tile: its own largest |w|';
		const what = image ? '28×28 image of incoming weights' : `${inputs} incoming weights, row by row`;
		const live = this.host.state.training && ! this.host.state.paused ? ' · live' : '';
		$( 'features-status' ).textContent = `${neurons} neurons of ${layerName( layer, this.host.state.architecture.length - 1 )}, each tile the ${what}${live}.`;
	}

	async pickFeature( j ) {
		const layer = Number( $( 'features-layer' ).value || 1 );
		for ( const tile of $( 'features-grid' ).children ) tile.classList.toggle( 'picked', Number( tile.dataset.neuron ) === j );
		this.host.selectNeuron( layer, j );
		if ( layer === 1 ) $( 'painter-neuron' ).value = String( j );
		const box = $( 'features-top' );
		box.hidden = false;
		$( 'features-top-note' ).textContent = `Neuron ${j}: loading the test images that excite it most…`;
		const { ok, data } = await this.host.api.get( '/api/analysis/top-images', { query: { layer, neuron: j, k: TOP_K, samples: FEATURE_SAMPLES } } );
		if ( ! ok ) {
			$( 'features-top-note' ).textContent = data?.message ?? 'Could not load the top images.';
			return;
		}
		paintGray( $( 'features-top-canvas' ), data.mean );
		const a = data.activations;
		$( 'features-top-note' ).textContent = `Neuron ${j}: the mean of the ${data.indices.length} test images (of the first ${data.samples}) ` +
			`that excite it most; its activation on them: ${a[ a.length - 1 ]?.toFixed( 3 )} to ${a[ 0 ]?.toFixed( 3 )}.`;
	}

	// ---- Histograms -------------------------------------------------------------------------
	setupHistograms() {
		$( 'hist-refresh' ).addEventListener( 'click', () => this.loadHistograms() );
		$( 'hist-samples' ).textContent = String( HIST_SAMPLES );
		$( 'hist-layers' ).addEventListener( 'click', ( e ) => {
			const button = e.target.closest( '[data-units]' );
			if ( ! button ) return;
			const units = JSON.parse( button.dataset.units );
			this.host.highlight( Number( button.dataset.layer ), units, button.dataset.what );
		} );
	}

	async loadHistograms() {
		const h = this.hist;
		if ( h.loading ) return;
		h.loading = true;
		h.lastAt = performance.now();
		if ( ! h.loaded ) $( 'hist-status' ).textContent = 'Loading…';
		const { ok, data } = await this.host.api.get( '/api/analysis/histograms', { query: { bins: HIST_BINS, samples: HIST_SAMPLES } } );
		h.loading = false;
		h.lastAt = performance.now();
		if ( ! ok ) {
			$( 'hist-status' ).textContent = data?.message ?? 'Could not load the histograms.';
			return;
		}
		h.loaded = true;
		this.histogramsShown = ( this.histogramsShown ?? 0 ) + 1;
		const live = this.host.state.training && ! this.host.state.paused ? ' · live' : '';
		$( 'hist-status' ).textContent = `${data.bins} bins, ${data.samples} test images${live}`;
		const bar = css( '--accent' ), text = css( '--text-3' );
		const last = data.layers.length;
		$( 'hist-layers' ).replaceChildren( ...data.layers.map( ( layer ) => {
			const name = layer.layer === last ? 'Output' : `Hidden ${layer.layer}`;
			const head = el( 'div', { className: 'hist-head' }, el( 'strong', { textContent: `${name} · ${layer.activation}` } ) );
			const drawnLayer = layer.layer; // the 3D view's layer index (0 = input)
			// Dead: ReLU units that never fire; saturated: sigmoid / tanh units stuck at their flat ends.
			const counts = layer.activation === 'relu' ? [ [ 'dead', layer.dead, layer.dead_units ] ]
				: [ [ 'saturated', layer.saturated, layer.saturated_units ] ];
			for ( const [ what, count, units ] of counts ) {
				if ( layer.layer === last ) break;
				const button = el( 'button', { type: 'button', className: `chip-toggle count ${count ? 'warn' : ''}`,
					textContent: `${count} ${what}`, title: count ? `Highlight the ${what} neurons in 3D` : `No ${what} neurons` } );
				button.dataset.units = JSON.stringify( units ?? [] );
				button.dataset.layer = String( drawnLayer );
				button.dataset.what = what;
				button.dataset.testid = `hist-${what}-${layer.layer}`;
				button.disabled = ! count;
				head.append( button );
			}
			const row = el( 'div', { className: 'hist-row' } );
			for ( const [ key, label ] of [ [ 'weights', 'weights' ], [ 'biases', 'biases' ], [ 'activations', 'activations' ], [ 'gradients', 'gradients' ] ] ) {
				const h = layer[ key ];
				const canvas = el( 'canvas', { width: 220, height: 64 } );
				canvas.dataset.total = String( histogramTotal( h ) );
				canvas.dataset.kind = key;
				const caption = h ? `${label} · ${histogramTotal( h ).toLocaleString( 'en' )} values` : `${label} · none`;
				const figure = el( 'figure', { title: h ? `${caption}, from ${h.min} to ${h.max}` : caption }, canvas, el( 'figcaption', { textContent: caption } ),
				el( 'span', { className: 'range', textContent: h ? `${h.min.toPrecision( 3 )} … ${h.max.toPrecision( 3 )}` : '' } ) );
				this.drawHistogram( canvas, h, bar, text );
				row.append( figure );
			}
			return el( 'section', { className: 'hist-layer' }, head, row );
		} ) );
	}

	drawHistogram( canvas, h, color, muted ) {
		const context = canvas.getContext( '2d' );
		context.clearRect( 0, 0, canvas.width, canvas.height );
		if ( ! h || ! h.counts.length ) return;
		// Square-root heights: the tails stay visible next to a tall peak.
		const top = Math.sqrt( Math.max( 1, ...h.counts ) );
		const w = canvas.width / h.counts.length;
		context.fillStyle = color;
		h.counts.forEach( ( c, k ) => {
			const height = Math.sqrt( c ) / top * ( canvas.height - 2 );
			context.fillRect( k * w + 0.5, canvas.height - height, Math.max( 1, w - 1 ), height );
		} );
		if ( h.min < 0 && h.max > 0 ) {
			const x = ( - h.min ) / ( h.max - h.min ) * canvas.width;
			context.fillStyle = muted;
			context.fillRect( x, 0, 1, canvas.height );
		}
	}

	// ---- Mistakes ---------------------------------------------------------------------------
	setupMistakes() {
		for ( const id of [ 'mistakes-true', 'mistakes-predicted' ] ) {
			$( id ).replaceChildren( ...Array.from( { length: 10 }, ( _, d ) => el( 'option', { value: String( d ), textContent: String( d ) } ) ) );
		}
		$( 'mistakes-true' ).value = '4';
		$( 'mistakes-predicted' ).value = '9';
		$( 'mistakes-show' ).addEventListener( 'click', () => this.loadMistakes() );
		$( 'mistakes-grid' ).addEventListener( 'click', ( e ) => {
			const item = e.target.closest( '[data-index]' );
			if ( ! item ) return;
			const found = this.mistakes?.items.find( ( m ) => String( m.index ) === item.dataset.index );
			if ( found ) this.host.useInput( imagePixels( found.image ), `test image ${found.index} (a ${found.label})` );
		} );
		// The confusion matrix (charts.js renderConfusion) marks its cells with data-true / data-predicted.
		const confusion = $( 'confusion' );
		const open = ( cell ) => {
			if ( ! cell ) return;
			$( 'mistakes-true' ).value = cell.dataset.true;
			$( 'mistakes-predicted' ).value = cell.dataset.predicted;
			this.setOpen( true, 'mistakes' );
			this.loadMistakes();
		};
		confusion.addEventListener( 'click', ( e ) => open( e.target.closest( 'td[data-true]' ) ) );
		confusion.addEventListener( 'keydown', ( e ) => {
			if ( e.key === 'Enter' || e.key === ' ' ) {
				const cell = e.target.closest( 'td[data-true]' );
				if ( cell ) {
					e.preventDefault();
					open( cell );
				}
			}
		} );
	}

	async loadMistakes() {
		this.mistakesShown = true;
		const t = Number( $( 'mistakes-true' ).value ), p = Number( $( 'mistakes-predicted' ).value );
		$( 'mistakes-status' ).textContent = 'Loading…';
		const { ok, data } = await this.host.api.get( '/api/analysis/mistakes', { query: { true: t, predicted: p, limit: 60 } } );
		if ( ! ok ) {
			$( 'mistakes-status' ).textContent = data?.message ?? 'Could not load the images.';
			$( 'mistakes-grid' ).replaceChildren();
			return;
		}
		this.mistakes = data;
		const kind = t === p ? `correctly read as ${p}` : `read as ${p}`;
		$( 'mistakes-status' ).textContent = `${data.total} test images of a ${t} ${kind}` +
			( data.total > data.items.length ? `; the ${data.items.length} the network is surest of.` : '.' ) +
			' The percentage is its confidence.';
		$( 'mistakes-grid' ).replaceChildren( ...data.items.map( ( item ) => {
			const canvas = el( 'canvas' );
			paintGray( canvas, imagePixels( item.image ) );
			const button = el( 'button', { type: 'button', className: 'image-item', title: `test image ${item.index}: label ${item.label}, ` +
				`predicted ${item.prediction} with ${percent( item.confidence )} — click to run it through the network` },
			canvas, el( 'span', { textContent: percent( item.confidence ) } ) );
			button.dataset.index = String( item.index );
			return button;
		} ) );
	}

	// ---- Trained vs untrained ---------------------------------------------------------------
	setupCompare() {
		$( 'compare-refresh' ).addEventListener( 'click', () => this.loadCompare() );
	}

	async loadCompare() {
		$( 'compare-status' ).textContent = 'Loading…';
		const { ok, data } = await this.host.api.get( '/api/analysis/compare', { query: { samples: 1000 } } );
		if ( ! ok ) {
			$( 'compare-status' ).textContent = data?.message ?? 'Could not compare.';
			return;
		}
		$( 'compare-status' ).textContent = `on the first ${data.samples} test images`;
		const row = ( label, key, format ) => el( 'tr', {}, el( 'th', { scope: 'row', textContent: label } ),
			el( 'td', { textContent: format( data.untrained[ key ] ) } ), el( 'td', { textContent: format( data.trained[ key ] ) } ) );
		const head = el( 'tr', {}, el( 'th' ), el( 'th', { scope: 'col', textContent: 'Untrained (start)' } ), el( 'th', { scope: 'col', textContent: 'Trained (now)' } ) );
		$( 'compare-table' ).replaceChildren( el( 'thead', {}, head ), el( 'tbody', {},
			row( 'Accuracy', 'accuracy', percent ), row( 'Loss (cross-entropy)', 'loss', ( v ) => v.toFixed( 3 ) ),
			row( 'Mean confidence', 'mean_confidence', percent ) ) );
		this.loadCompareDrawing();
	}

	async loadCompareDrawing() {
		const pixels = this.host.drawing();
		const box = $( 'compare-drawing' );
		if ( ! pixels ) {
			$( 'compare-drawing-note' ).textContent = 'Draw a digit (or click a test image under Mistakes) to see both networks\' answers.';
			box.replaceChildren();
			return;
		}
		const { ok, data } = await this.host.api.post( '/api/analysis/predict-initial', { body: { pixels: Array.from( pixels ) } } );
		if ( ! ok ) {
			$( 'compare-drawing-note' ).textContent = data?.message ?? 'Could not predict.';
			return;
		}
		$( 'compare-drawing-note' ).textContent = 'Probability per digit for your input (computed by the server).';
		box.replaceChildren( ...[ [ 'Untrained', data.untrained ], [ 'Trained', data.trained ] ].map( ( [ label, side ] ) => {
			const bars = el( 'ol', { className: 'prob-bars small' } );
			probabilityBars( bars, side.probabilities, side.prediction );
			return el( 'div', {}, el( 'strong', { textContent: `${label}: ${side.prediction} (${percent( side.probabilities[ side.prediction ] )})` } ), bars );
		} ) );
	}

	// ---- Gradient descent vs random steps ---------------------------------------------------
	setupSteps() {
		$( 'steps-start' ).addEventListener( 'click', () => {
			const steps = Math.round( Number( $( 'steps-count' ).value ) );
			if ( ! ( steps >= 1 && steps <= 2000 ) ) {
				$( 'steps-status' ).textContent = 'Steps must be a whole number from 1 to 2000.';
				return;
			}
			this.startJob( 'random_steps', '/api/analysis/random-steps', { steps } );
		} );
		$( 'steps-cancel' ).addEventListener( 'click', () => this.cancelJob( 'random_steps', '/api/analysis/random-steps' ) );
	}

	showSteps( result ) {
		const xs = result.sgd_loss.map( ( _, k ) => k + 1 );
		const host = $( 'steps-chart' );
		this.stepsPlot?.destroy();
		const axis = { stroke: css( '--text-3' ), grid: { stroke: css( '--border' ), width: 1 }, ticks: { stroke: css( '--border' ), width: 1 }, font: '11px system-ui' };
		this.stepsPlot = new uPlot( {
			width: Math.max( 200, host.clientWidth ), height: 200, legend: { show: false },
			scales: { x: { time: false } },
			axes: [ { ...axis, label: 'step', labelSize: 14 }, { ...axis, size: 40, label: 'loss', labelSize: 14 } ],
			series: [ {}, { label: 'gradient descent', stroke: css( '--positive' ), width: 1.6, points: { show: false } },
				{ label: 'random', stroke: css( '--negative' ), width: 1.6, points: { show: false } } ],
		}, [ xs, result.sgd_loss, result.random_loss ], host );
		const last = ( a ) => a[ a.length - 1 ];
		$( 'steps-status' ).textContent = `${result.steps} steps of batch ${result.batch_size}, learning rate ${result.learning_rate}: ` +
			`loss after gradient descent ${last( result.sgd_loss ).toFixed( 3 )}, after random steps ${last( result.random_loss ).toFixed( 3 )} ` +
			`(both started at ${result.sgd_loss[ 0 ].toFixed( 3 )}).`;
		$( 'steps-bar' ).style.width = '100%';
	}

	resizeStepsChart() {
		const host = $( 'steps-chart' );
		if ( this.stepsPlot && host.clientWidth ) this.stepsPlot.setSize( { width: host.clientWidth, height: 200 } );
	}

	// ---- Loss landscape ---------------------------------------------------------------------
	setupLandscape() {
		$( 'landscape-start' ).addEventListener( 'click', () => {
			const grid = Math.round( Number( $( 'landscape-grid' ).value ) );
			const span = Number( $( 'landscape-span' ).value );
			const samples = Math.round( Number( $( 'landscape-samples' ).value ) );
			const problem = ! ( grid >= 3 && grid <= 101 ) ? 'Grid must be 3 to 101.'
				: ! ( span > 0 && span <= 10 ) ? 'Span must be above 0 and at most 10.'
					: ! ( samples >= 1 && samples <= 10000 ) ? 'Images must be 1 to 10000.' : '';
			if ( problem ) {
				$( 'landscape-status' ).textContent = problem;
				return;
			}
			this.startJob( 'landscape', '/api/analysis/landscape', { grid, span, samples } );
		} );
		$( 'landscape-cancel' ).addEventListener( 'click', () => this.cancelJob( 'landscape', '/api/analysis/landscape' ) );
		const ramp = $( 'landscape-ramp' );
		const context = ramp.getContext( '2d' );
		for ( let x = 0; x < ramp.width; ++ x ) {
			const [ r, g, b ] = rampColor( x / ( ramp.width - 1 ) );
			context.fillStyle = `rgb(${r} ${g} ${b})`;
			context.fillRect( x, 0, 1, ramp.height );
		}
	}

	async showLandscape( result ) {
		if ( ! this.landscape ) {
			// three.js is loaded with the page already (the import map); the view module only on first use.
			const { LandscapeView } = await import( './landscape3d.js' );
			this.landscape = new LandscapeView( $( 'landscape-canvas' ) );
		}
		this.landscape.setBackground( css( '--stage' ) );
		const summary = this.landscape.show( result, { line: css( '--text' ), centre: css( '--warn' ) } );
		this.landscapeSummary = summary;
		$( 'landscape-min' ).textContent = summary.lossRange[ 0 ].toFixed( 3 );
		$( 'landscape-max' ).textContent = summary.lossRange[ 1 ].toFixed( 3 ) + ( summary.logScale ? ' (height: log scale)' : '' );
		$( 'landscape-status' ).textContent = `${result.grid}×${result.grid} points, ±${result.span} along two random directions, ` +
			`${result.samples} test images. Loss here now: ${result.center_loss.toFixed( 3 )}. ` +
			( result.trajectory.length ? `Training path: ${result.trajectory.length} snapshots, projected onto this slice.` : 'No training path yet.' ) +
			( result.trajectory.length > 1 && pathExtent( result.trajectory, result.span ) < PATH_NEAR_CENTRE ? ' The path stays close to the centre: ' +
				'among this many weights, two random directions are almost perpendicular to the way training went, so this slice shows little of it.' : '' );
		$( 'landscape-bar' ).style.width = '100%';
	}

	// ---- Weight painter ---------------------------------------------------------------------
	setupPainter() {
		const canvas = $( 'painter-canvas' );
		let painting = false;
		const paintAt = ( e ) => {
			const rect = canvas.getBoundingClientRect();
			const x = ( e.clientX - rect.left ) / rect.width * 28, y = ( e.clientY - rect.top ) / rect.height * 28;
			this.paint( x, y );
		};
		canvas.addEventListener( 'pointerdown', ( e ) => {
			e.preventDefault();
			canvas.setPointerCapture?.( e.pointerId );
			painting = true;
			paintAt( e );
		} );
		canvas.addEventListener( 'pointermove', ( e ) => {
			if ( painting ) paintAt( e );
		} );
		for ( const type of [ 'pointerup', 'pointercancel', 'lostpointercapture' ] ) canvas.addEventListener( type, () => { painting = false; } );
		$( 'painter-reset' ).addEventListener( 'click', () => this.resetPainter() );
		$( 'painter-neuron' ).addEventListener( 'change', () => this.drawPainter() );
	}

	loadPainter() {
		const model = this.host.model();
		if ( ! model ) {
			$( 'painter-status' ).textContent = 'The painter needs the network\'s weights: train first.';
			return;
		}
		if ( this.painter.source !== model ) this.resetPainter();
		else this.drawPainter();
	}

	resetPainter() {
		const model = this.host.model();
		if ( ! model ) return;
		this.painter.source = model;
		this.painter.model = privateCopy( model );
		$( 'painter-neuron' ).max = String( model.sizes[ 1 ] - 1 );
		this.drawPainter();
	}

	painterNeuron() {
		const n = this.painter.model?.sizes[ 1 ] ?? 1;
		return Math.min( n - 1, Math.max( 0, Math.round( Number( $( 'painter-neuron' ).value ) || 0 ) ) );
	}

	paint( x, y ) {
		if ( ! this.painter.model ) return;
		const sign = Number( document.querySelector( 'input[name=painter-sign]:checked' )?.value ?? 1 );
		paintNeuron( this.painter.model, this.painterNeuron(), { x, y, radius: 2.5, strength: Number( $( 'painter-strength' ).value ), sign } );
		this.drawPainter();
	}

	drawPainter() {
		const model = this.painter.model;
		if ( ! model ) return;
		const j = this.painterNeuron();
		const { W, outSize } = model.layers[ 0 ];
		const column = new Float32Array( 784 );
		for ( let i = 0; i < 784; ++ i ) column[ i ] = W[ i * outSize + j ];
		const original = this.painter.source.layers[ 0 ].W;
		let changed = 0;
		for ( let i = 0; i < 784; ++ i ) changed += W[ i * outSize + j ] !== original[ i * outSize + j ];
		paintTile( $( 'painter-canvas' ), column, 0, 28, 28, Math.max( 1e-12, maxAbs( column ) ), weightColors() );
		this.painterChanged = changed;
		this.updatePainterPrediction();
	}

	updatePainterPrediction() {
		const model = this.painter.model;
		const pixels = this.host.drawing();
		const j = this.painterNeuron();
		const note = `Neuron ${j}: ${this.painterChanged ?? 0} of 784 weights painted (your copy only).`;
		if ( ! model || ! pixels ) {
			$( 'painter-status' ).textContent = `${note} Draw a digit to see its prediction.`;
			$( 'painter-bars' ).replaceChildren();
			return;
		}
		const painted = forward( model, pixels );
		const before = forward( this.painter.source, pixels );
		probabilityBars( $( 'painter-bars' ), painted.probabilities, painted.digit );
		$( 'painter-status' ).textContent = `${note} Prediction: ${painted.digit} (${percent( painted.probabilities[ painted.digit ] )}); ` +
			`unpainted: ${before.digit} (${percent( before.probabilities[ before.digit ] )}).`;
		this.painterResult = painted;
	}
}
