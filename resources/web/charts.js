// The live loss / accuracy chart (uPlot) and the confusion-matrix table. Both draw only what the
// run state holds: per-batch loss and batch accuracy on a global-batch axis, test accuracy as
// one point at the end of each epoch.
import uPlot from 'uplot';

const REDRAW_INTERVAL_MS = 250;

function cssVar( name ) {
	return getComputedStyle( document.documentElement ).getPropertyValue( name ).trim();
}

// Aligns the per-batch series with the per-epoch test points on one sorted x axis (nulls between).
export function chartData( history, epochResults, batchesPerEpoch ) {
	const perEpoch = batchesPerEpoch > 0 ? batchesPerEpoch : 0;
	const testPoints = perEpoch ? epochResults.filter( ( r ) => typeof r.test_accuracy === 'number' )
		.map( ( r ) => [ r.epoch * perEpoch, r.test_accuracy ] ) : [];
	const xs = [], loss = [], accuracy = [], test = [];
	let t = 0;
	const scale = perEpoch ? 1 / perEpoch : 1;
	for ( let k = 0; k <= history.x.length; ++ k ) {
		while ( t < testPoints.length && ( k === history.x.length || testPoints[ t ][ 0 ] < history.x[ k ] ) ) {
			xs.push( testPoints[ t ][ 0 ] * scale );
			loss.push( null );
			accuracy.push( null );
			test.push( testPoints[ t ][ 1 ] );
			++ t;
		}
		if ( k === history.x.length ) break;
		xs.push( history.x[ k ] * scale );
		loss.push( history.loss[ k ] );
		accuracy.push( history.accuracy[ k ] );
		test.push( null );
	}
	return [ xs, loss, accuracy, test ];
}

export class TrainingChart {
	constructor( container ) {
		this.container = container;
		this.data = [ [], [], [], [] ];
		this.inEpochs = false;
		this.pending = false;
		this.lastDraw = 0;
		this.create();
		new ResizeObserver( () => this.resize() ).observe( container );
	}

	create() {
		this.plot?.destroy();
		const axis = { stroke: cssVar( '--text-3' ), grid: { stroke: cssVar( '--border' ), width: 1 },
			ticks: { stroke: cssVar( '--border' ), width: 1 }, font: '11px system-ui' };
		const width = Math.max( 200, this.container.clientWidth );
		this.plot = new uPlot( {
			width, height: this.container.clientHeight || 190,
			legend: { show: false },
			cursor: { drag: { x: false, y: false }, points: { size: 6 } },
			scales: { x: { time: false }, loss: { range: ( u, min, max ) => [ 0, Math.max( 0.5, max ?? 1 ) * 1.05 ] },
				acc: { range: [ 0, 1 ] } },
			axes: [
				{ ...axis, values: ( u, ticks ) => this.formatX( ticks ) },
				{ ...axis, scale: 'loss', size: 42, values: ( u, ticks ) => ticks.map( ( v ) => v.toFixed( 1 ) ) },
				{ ...axis, scale: 'acc', side: 1, size: 50, grid: { show: false },
					values: ( u, ticks ) => ticks.map( ( v ) => `${Math.round( v * 100 )}%` ) },
			],
			series: [
				{},
				{ label: 'loss', scale: 'loss', stroke: cssVar( '--positive' ), width: 1.6, spanGaps: true, points: { show: false } },
				{ label: 'batch accuracy', scale: 'acc', stroke: cssVar( '--accent' ), width: 1.6, spanGaps: true, points: { show: false } },
				{ label: 'test accuracy', scale: 'acc', stroke: cssVar( '--good' ), width: 2, spanGaps: true,
					points: { show: true, size: 8, fill: cssVar( '--good' ) } },
			],
		}, this.data, this.container );
	}

	// x is in epochs when the epoch length is known; early in a run (under a tenth of an epoch)
	// the ticks read better as batch numbers.
	formatX( ticks ) {
		const span = ticks.length > 1 ? ticks[ ticks.length - 1 ] - ticks[ 0 ] : 1;
		if ( ! this.inEpochs ) return ticks.map( ( v ) => String( Math.round( v ) ) );
		if ( span < 0.1 ) return ticks.map( ( v ) => `b ${Math.round( v * this.batchesPerEpoch )}` );
		return ticks.map( ( v ) => `ep ${+ v.toFixed( span < 1 ? 2 : 1 )}` );
	}

	setRun( history, epochResults, batchesPerEpoch ) {
		this.inEpochs = batchesPerEpoch > 0;
		this.batchesPerEpoch = batchesPerEpoch;
		this.data = chartData( history, epochResults, batchesPerEpoch );
		this.scheduleDraw();
	}

	scheduleDraw() {
		if ( this.pending ) return;
		const wait = Math.max( 0, REDRAW_INTERVAL_MS - ( performance.now() - this.lastDraw ) );
		this.pending = true;
		setTimeout( () => {
			this.pending = false;
			this.lastDraw = performance.now();
			this.plot.setData( this.data );
		}, wait );
	}

	resize() {
		const width = Math.max( 200, this.container.clientWidth );
		if ( width !== this.plot.width ) this.plot.setSize( { width, height: this.container.clientHeight || 190 } );
	}

	// Colours come from CSS variables: rebuild after a theme switch.
	restyle() {
		this.create();
	}
}

// Rows: true digit, columns: predicted digit; cell shade = share of that row.
export function renderConfusion( container, matrix ) {
	container.replaceChildren();
	if ( ! matrix ) {
		const note = document.createElement( 'p' );
		note.className = 'empty-note';
		note.textContent = 'Appears after the first epoch.';
		container.append( note );
		return;
	}
	const table = document.createElement( 'table' );
	const caption = table.createCaption();
	caption.textContent = 'rows: true digit · columns: predicted';
	const head = table.createTHead().insertRow();
	head.append( document.createElement( 'th' ) );
	for ( let c = 0; c < 10; ++ c ) {
		const th = document.createElement( 'th' );
		th.textContent = c;
		th.scope = 'col';
		head.append( th );
	}
	const body = table.createTBody();
	const good = cssVar( '--good' );
	const bad = cssVar( '--bad' );
	matrix.forEach( ( row, r ) => {
		const tr = body.insertRow();
		const th = document.createElement( 'th' );
		th.textContent = r;
		th.scope = 'row';
		tr.append( th );
		const total = row.reduce( ( a, b ) => a + b, 0 ) || 1;
		row.forEach( ( count, c ) => {
			const td = tr.insertCell();
			const share = count / total;
			td.textContent = count;
			td.title = `true ${r}, predicted ${c}: ${count} of ${total} (${( share * 100 ).toFixed( 1 )}%) — click to see these images`;
			// The learning views open this cell's images (learning.js): a focusable cell for the keyboard.
			td.dataset.true = String( r );
			td.dataset.predicted = String( c );
			td.tabIndex = 0;
			const strength = r === c ? share : Math.min( 1, share * 6 );
			const percent = Math.round( ( r === c ? 12 : 0 ) + strength * 70 );
			td.style.background = `color-mix(in srgb, ${r === c ? good : bad} ${percent}%, transparent)`;
			if ( count === 0 ) td.style.color = 'var(--text-3)';
		} );
	} );
	container.append( table );
}
