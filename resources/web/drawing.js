// The drawing pad: pointer events (mouse, pen and touch alike) paint round strokes on a fixed
// 280x280 backing canvas, whatever its CSS size. After each change (at most once per frame) it
// hands the 28x28 network input (preprocess.js, identical to core) to `onChange`.
import { preprocessDrawing, rgbaToGray } from './preprocess.js';

const PAD_SIZE = 280;
const BRUSH_WIDTH = 20; // ~2 MNIST pixels after the 280 -> 20 px scaling

export class DrawingPad {
	constructor( canvas, { onChange = () => {}, colors } ) {
		this.canvas = canvas;
		this.context = canvas.getContext( '2d', { willReadFrequently: true } );
		this.onChange = onChange;
		this.colors = colors; // () => {background, ink}
		this.drawing = false;
		this.last = null;
		this.hasInk = false;
		this.framePending = false;
		this.clear();
		canvas.addEventListener( 'pointerdown', ( e ) => this.down( e ) );
		canvas.addEventListener( 'pointermove', ( e ) => this.move( e ) );
		for ( const type of [ 'pointerup', 'pointercancel', 'lostpointercapture' ] ) {
			canvas.addEventListener( type, () => this.up() );
		}
	}

	point( event ) {
		const rect = this.canvas.getBoundingClientRect();
		return { x: ( event.clientX - rect.left ) * PAD_SIZE / rect.width,
			y: ( event.clientY - rect.top ) * PAD_SIZE / rect.height };
	}

	down( event ) {
		event.preventDefault();
		this.shown = null;
		this.canvas.setPointerCapture?.( event.pointerId );
		this.drawing = true;
		this.last = this.point( event );
		this.stroke( this.last, this.last );
	}

	move( event ) {
		if ( ! this.drawing ) return;
		event.preventDefault();
		// Coalesced events keep fast strokes smooth on touch screens.
		const events = event.getCoalescedEvents?.() ?? [ event ];
		for ( const e of events.length ? events : [ event ] ) {
			const p = this.point( e );
			this.stroke( this.last, p );
			this.last = p;
		}
	}

	up() {
		this.drawing = false;
		this.last = null;
	}

	stroke( from, to ) {
		const context = this.context;
		context.strokeStyle = this.colors().ink;
		context.lineWidth = BRUSH_WIDTH;
		context.lineCap = 'round';
		context.lineJoin = 'round';
		context.beginPath();
		context.moveTo( from.x, from.y );
		context.lineTo( to.x + 0.01, to.y );
		context.stroke();
		this.hasInk = true;
		this.changed();
	}

	// Shows a 28×28 image (784 values 0..1, e.g. a test image) on the pad; input() then returns
	// exactly those values, not a re-preprocessed copy, until the next stroke or clear.
	showImage( pixels ) {
		this.clear();
		const cell = PAD_SIZE / 28;
		this.context.fillStyle = this.colors().ink;
		for ( let k = 0; k < 784; ++ k ) {
			if ( pixels[ k ] <= 0 ) continue;
			this.context.globalAlpha = Math.min( 1, pixels[ k ] );
			this.context.fillRect( ( k % 28 ) * cell, Math.floor( k / 28 ) * cell, cell, cell );
		}
		this.context.globalAlpha = 1;
		this.shown = Float32Array.from( pixels );
		this.hasInk = true;
		this.changed();
	}

	// Repaints the background (theme switch clears too: ink colours would no longer match).
	clear() {
		this.shown = null;
		this.canvas.width = PAD_SIZE;
		this.canvas.height = PAD_SIZE;
		this.context.fillStyle = this.colors().background;
		this.context.fillRect( 0, 0, PAD_SIZE, PAD_SIZE );
		this.hasInk = false;
		this.changed();
	}

	changed() {
		if ( this.framePending ) return;
		this.framePending = true;
		requestAnimationFrame( () => {
			this.framePending = false;
			this.onChange( this.input() );
		} );
	}

	// {pixels: Float32Array(784), empty} for the current drawing.
	input() {
		if ( this.shown ) return { pixels: this.shown, empty: false };
		const { data } = this.context.getImageData( 0, 0, PAD_SIZE, PAD_SIZE );
		return preprocessDrawing( rgbaToGray( data, PAD_SIZE, PAD_SIZE ), PAD_SIZE, PAD_SIZE );
	}
}

// Paints 784 values (0..1) into a 28x28 canvas as white-on-black, like MNIST.
export function paintDigit( canvas, pixels ) {
	const context = canvas.getContext( '2d' );
	const image = context.createImageData( 28, 28 );
	for ( let k = 0; k < 784; ++ k ) {
		const v = Math.round( Math.max( 0, Math.min( 1, pixels?.[ k ] ?? 0 ) ) * 255 );
		image.data.set( [ v, v, v, 255 ], k * 4 );
	}
	context.putImageData( image, 0, 0 );
}
