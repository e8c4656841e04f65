// The two panels over the 3D view: the neuron inspector (activation, incoming weights as an
// image) and the teaching overlay for `pause_moment` messages, whose pictures are drawn from
// the numbers in the message itself (focus digit, outputs, gradients, the real loss curve).
import { incomingWeights } from './inference.js';

const $ = ( id ) => document.getElementById( id );
const css = ( name ) => getComputedStyle( document.documentElement ).getPropertyValue( name ).trim();

function parseColor( text ) {
	const probe = document.createElement( 'canvas' ).getContext( '2d' );
	probe.fillStyle = text;
	const hex = probe.fillStyle; // normalised to #rrggbb
	return [ 1, 3, 5 ].map( ( i ) => parseInt( hex.slice( i, i + 2 ), 16 ) );
}

// Paints weights (diverging: negative / positive colour over the panel background) into a canvas
// of `cols` x `rows` cells. Returns max |w| used for the scale.
function paintWeights( canvas, weights, cols, rows ) {
	canvas.width = cols;
	canvas.height = rows;
	const context = canvas.getContext( '2d' );
	const image = context.createImageData( cols, rows );
	const base = parseColor( css( '--surface-2' ) );
	const positive = parseColor( css( '--positive' ) );
	const negative = parseColor( css( '--negative' ) );
	let max = 1e-12;
	for ( const w of weights ) max = Math.max( max, Math.abs( w ) );
	for ( let k = 0; k < cols * rows; ++ k ) {
		const w = k < weights.length ? weights[ k ] : 0;
		const t = Math.min( 1, Math.abs( w ) / max );
		const target = w >= 0 ? positive : negative;
		for ( let c = 0; c < 3; ++ c ) image.data[ k * 4 + c ] = Math.round( base[ c ] + ( target[ c ] - base[ c ] ) * t );
		image.data[ k * 4 + 3 ] = 255;
	}
	context.putImageData( image, 0, 0 );
	return max;
}

export class Inspector {
	constructor( { onClose } ) {
		this.panel = $( 'inspector' );
		this.selection = null;
		$( 'inspector-close' ).addEventListener( 'click', () => onClose() );
	}

	// selection {layer, index} or null; context {sizes, activationNames, activations, model, source}.
	show( selection, context ) {
		this.selection = selection;
		this.panel.hidden = ! selection;
		if ( selection ) this.refresh( context );
	}

	refresh( { sizes, activationNames, activations, model, source } ) {
		const s = this.selection;
		if ( ! s || s.layer >= sizes.length || s.index >= sizes[ s.layer ] ) {
			this.panel.hidden = true;
			return;
		}
		const last = sizes.length - 1;
		const value = activations?.[ s.layer ]?.[ s.index ];
		const facts = [];
		let title;
		if ( s.layer === 0 ) {
			title = `Input pixel ${s.index}`;
			facts.push( [ 'Row, column', `${Math.floor( s.index / 28 )}, ${s.index % 28}` ] );
		} else if ( s.layer === last ) {
			title = `Output neuron · digit ${s.index}`;
			facts.push( [ 'Layer', 'Output (softmax)' ] );
		} else {
			title = `Hidden ${s.layer} · neuron ${s.index}`;
			facts.push( [ 'Layer', `Hidden ${s.layer} (${activationNames[ s.layer - 1 ] ?? 'relu'})` ] );
		}
		facts.push( [ s.layer === last ? 'Probability' : 'Activation', typeof value === 'number' ? value.toFixed( 4 ) : '–' ] );
		facts.push( [ 'Showing', source ] );
		const dense = s.layer - 1;
		const usable = dense >= 0 && model && model.sizes.join() === sizes.join();
		if ( usable ) facts.push( [ 'Bias', model.layers[ dense ].b[ s.index ].toFixed( 4 ) ] );
		$( 'inspector-title' ).textContent = title;
		$( 'inspector-facts' ).replaceChildren( ...facts.flatMap( ( [ k, v ] ) => {
			const dt = document.createElement( 'dt' );
			dt.textContent = k;
			const dd = document.createElement( 'dd' );
			dd.textContent = v;
			return [ dt, dd ];
		} ) );
		this.paintFigure( s, usable ? incomingWeights( model, dense, s.index ) : null, dense );
	}

	paintFigure( s, weights, dense ) {
		const canvas = $( 'inspector-canvas' );
		const caption = $( 'inspector-caption' );
		canvas.hidden = false;
		if ( s.layer === 0 ) {
			canvas.hidden = true;
			caption.textContent = 'Input pixels have no incoming weights: they are the image.';
			return;
		}
		if ( ! weights ) {
			canvas.hidden = true;
			caption.textContent = 'Incoming weights appear once the page has the network\'s weights.';
			return;
		}
		let max;
		if ( dense === 0 && weights.length === 784 ) {
			max = paintWeights( canvas, weights, 28, 28 );
			canvas.style.aspectRatio = '1';
			caption.textContent = `Incoming weights as the 28×28 image this neuron looks for (orange +, blue −, |w| ≤ ${max.toFixed( 3 )}).`;
		} else {
			max = paintWeights( canvas, weights, weights.length, 1 );
			canvas.style.aspectRatio = '8';
			caption.textContent = `${weights.length} incoming weights from layer ${dense}, left to right (|w| ≤ ${max.toFixed( 3 )}).`;
		}
	}
}

const TITLES = {
	first_forward: 'The first forward pass',
	first_backward: 'The first backward pass',
	high_loss: 'The loss is high',
};

export class TeachingOverlay {
	constructor( { onContinue } ) {
		this.panel = $( 'teaching' );
		this.timer = null;
		this.moment = null;
		$( 'teaching-continue' ).addEventListener( 'click', () => onContinue( $( 'teaching-skip' ).checked ) );
	}

	get visible() {
		return ! this.panel.hidden;
	}

	show( moment ) {
		this.moment = moment;
		this.panel.hidden = false;
		$( 'teaching-title' ).textContent = TITLES[ moment.reason ] ?? 'A key moment';
		$( 'teaching-message' ).textContent = moment.message ?? '';
		this.draw();
		// duration 0: the run was paused when the moment came; it holds until someone goes on.
		const duration = Number( moment.duration ) || 0;
		const endsAt = performance.now() + duration * 1000;
		clearInterval( this.timer );
		const tick = () => {
			const left = Math.max( 0, Math.ceil( ( endsAt - performance.now() ) / 1000 ) );
			$( 'teaching-countdown' ).textContent = duration <= 0 ? 'paused: Continue or Step to go on'
				: left > 0 ? `resumes in ${left} s` : 'resuming…';
		};
		tick();
		this.timer = setInterval( tick, 250 );
		$( 'teaching-continue' ).focus( { preventScroll: true } );
	}

	hide() {
		clearInterval( this.timer );
		this.panel.hidden = true;
		this.moment = null;
	}

	redraw() {
		if ( this.moment ) this.draw();
	}

	draw() {
		const canvas = $( 'teaching-visual' );
		const context = canvas.getContext( '2d' );
		context.clearRect( 0, 0, canvas.width, canvas.height );
		const m = this.moment;
		const acts = m.activations;
		if ( m.reason === 'first_forward' && acts?.length ) this.drawForward( context, canvas, m );
		else if ( m.reason === 'first_backward' && m.gradients?.length ) this.drawBackward( context, canvas, m );
		else this.drawLoss( context, canvas, m );
	}

	drawDigit( context, pixels, x, y, size ) {
		const cell = size / 28;
		context.fillStyle = '#000';
		context.fillRect( x, y, size, size );
		for ( let k = 0; k < 784; ++ k ) {
			const v = Math.round( Math.min( 1, Math.max( 0, pixels[ k ] ?? 0 ) ) * 255 );
			if ( ! v ) continue;
			context.fillStyle = `rgb(${v},${v},${v})`;
			context.fillRect( x + ( k % 28 ) * cell, y + Math.floor( k / 28 ) * cell, cell + 0.5, cell + 0.5 );
		}
	}

	bars( context, values, x, y, w, h, { labels, highlight, color, format } ) {
		const max = Math.max( 1e-12, ...values );
		const slot = w / values.length;
		context.font = '12px system-ui';
		context.textAlign = 'center';
		values.forEach( ( v, i ) => {
			const bh = ( v / max ) * ( h - 30 );
			context.fillStyle = i === highlight ? css( '--accent' ) : color;
			context.fillRect( x + i * slot + slot * 0.18, y + h - 16 - bh, slot * 0.64, bh );
			context.fillStyle = css( '--text-2' );
			context.fillText( labels[ i ], x + i * slot + slot / 2, y + h - 2 );
			if ( format ) context.fillText( format( v ), x + i * slot + slot / 2, y + h - 20 - bh );
		} );
	}

	drawForward( context, canvas, m ) {
		const output = m.activations[ m.activations.length - 1 ];
		this.drawDigit( context, m.activations[ 0 ], 16, 20, 160 );
		context.fillStyle = css( '--text-3' );
		context.font = '28px system-ui';
		context.fillText( '→', 196, 110 );
		this.bars( context, Array.from( output ), 236, 14, 310, 180, { labels: output.map( ( _, i ) => String( i ) ),
			highlight: m.label, color: css( '--surface-3' ), format: ( v ) => `${Math.round( v * 100 )}` } );
		$( 'teaching-caption' ).textContent = `The focus sample is a ${m.label}. Before any learning the outputs are ` +
			`close to uniform: P(${m.label}) = ${( output[ m.label ] * 100 ).toFixed( 1 )}%, and the network guesses ${m.prediction}.`;
	}

	drawBackward( context, canvas, m ) {
		const means = m.gradients.map( ( g ) => g.reduce( ( a, b ) => a + Math.abs( b ), 0 ) / Math.max( 1, g.length ) );
		const output = m.gradients[ m.gradients.length - 1 ].map( Math.abs );
		this.bars( context, output, 12, 14, 300, 180, { labels: output.map( ( _, i ) => String( i ) ), highlight: m.label,
			color: css( '--particle' ), format: ( v ) => v.toFixed( 2 ) } );
		this.bars( context, means, 330, 14, 220, 180, { labels: means.map( ( _, i ) => ( i === means.length - 1 ? 'out' : `h${i + 1}` ) ),
			highlight: - 1, color: css( '--particle' ), format: ( v ) => v.toExponential( 1 ) } );
		$( 'teaching-caption' ).textContent = 'Left: |∂loss/∂z| of each output neuron for the focus sample (the true digit ' +
			`${m.label} is highlighted). Right: mean |∂loss/∂z| per layer, flowing back toward the input.`;
	}

	drawLoss( context, canvas, m ) {
		const losses = ( m.loss_history ?? [] ).filter( Number.isFinite );
		const current = m.stats?.loss;
		if ( Number.isFinite( current ) && ( ! losses.length || losses[ losses.length - 1 ] !== current ) ) losses.push( current );
		const pad = 28, w = canvas.width - 2 * pad, h = canvas.height - 2 * pad;
		const max = Math.max( 1e-9, ...losses ) * 1.1;
		context.strokeStyle = css( '--border' );
		context.strokeRect( pad, pad, w, h );
		context.strokeStyle = css( '--positive' );
		context.lineWidth = 2;
		context.beginPath();
		losses.forEach( ( v, i ) => {
			const x = pad + ( losses.length > 1 ? i / ( losses.length - 1 ) : 0 ) * w;
			const y = pad + h - ( v / max ) * h;
			if ( i ) context.lineTo( x, y ); else context.moveTo( x, y );
		} );
		context.stroke();
		if ( losses.length ) {
			const y = pad + h - ( losses[ losses.length - 1 ] / max ) * h;
			context.fillStyle = css( '--bad' );
			context.beginPath();
			context.arc( pad + w, y, 5, 0, Math.PI * 2 );
			context.fill();
		}
		context.fillStyle = css( '--text-3' );
		context.font = '12px system-ui';
		context.textAlign = 'left';
		context.fillText( `loss, ${losses.length} batches so far (max ${max.toFixed( 2 )})`, pad, pad - 8 );
		$( 'teaching-caption' ).textContent = Number.isFinite( current )
			? `The red dot is this batch: loss ${current.toFixed( 3 )}. The curve is the real loss of this run.` : '';
	}
}
