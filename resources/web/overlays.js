// The neuron inspector over the 3D view: activation, bias and the incoming weights as an image
// (the teaching card is teaching.js).
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
			facts.push( [ 'Layer', 'Output (softmax: probabilities)' ] );
		} else {
			title = `Hidden layer ${s.layer} · neuron ${s.index}`;
			facts.push( [ 'Layer', `Hidden layer ${s.layer} (${{ relu: 'ReLU', sigmoid: 'Sigmoid', tanh: 'Tanh' }[ activationNames[ s.layer - 1 ] ?? 'relu' ] ?? activationNames[ s.layer - 1 ]})` ] );
		}
		facts.push( [ s.layer === last ? 'Probability' : 'Activation', typeof value === 'number' ? String( Number( value.toFixed( 4 ) ) ) : '–' ] );
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
		this.showsWeightsImage = false; // the 28×28 picture of a first-layer neuron's weights is drawn
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
			this.showsWeightsImage = true;
			canvas.style.aspectRatio = '1';
			caption.textContent = `Incoming weights as the 28×28 image this neuron looks for (orange +, blue −, |w| ≤ ${max.toFixed( 3 )}).`;
		} else {
			max = paintWeights( canvas, weights, weights.length, 1 );
			canvas.style.aspectRatio = '8';
			caption.textContent = `${weights.length} incoming weights from hidden layer ${dense}, left to right (orange +, blue −, |w| ≤ ${max.toFixed( 3 )}).`;
		}
	}
}
