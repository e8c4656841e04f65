// Pure helpers for the learning views (learning.js): decoding the API's compact encodings,
// colour maps, ordering tiles, the loss-landscape mesh, the weight painter's brush. No DOM here
// (unit tested under node).

// Base64 -> bytes (atob is in browsers and in node >= 16).
export function base64Bytes( text ) {
	const binary = atob( text );
	const bytes = new Uint8Array( binary.length );
	for ( let k = 0; k < binary.length; ++ k ) bytes[ k ] = binary.charCodeAt( k );
	return bytes;
}

/**
 * GET /api/analysis/features' weights: `neurons` rows of `inputs` signed bytes, row j scaled by
 * scales[j] / 127. Returns a Float32Array (neuron-major: row j = neuron j's incoming weights).
 */
export function decodeFeatureWeights( { weights, scales, neurons, inputs, encoding } ) {
	if ( encoding !== 'int8' ) throw new Error( `features: unknown encoding "${encoding}"` );
	const bytes = base64Bytes( weights );
	if ( bytes.length !== neurons * inputs ) throw new Error( `features: ${bytes.length} bytes for ${neurons}×${inputs} weights` );
	if ( scales.length !== neurons ) throw new Error( `features: ${scales.length} scales for ${neurons} neurons` );
	const signed = new Int8Array( bytes.buffer );
	const out = new Float32Array( signed.length );
	for ( let j = 0; j < neurons; ++ j ) {
		const step = scales[ j ] / 127;
		for ( let i = 0; i < inputs; ++ i ) out[ j * inputs + i ] = signed[ j * inputs + i ] * step;
	}
	return out;
}

// Test images come as base64 bytes 0..255: the network's input is bytes / 255.
export function imagePixels( base64 ) {
	return Float32Array.from( base64Bytes( base64 ), ( b ) => b / 255 );
}

function lerp( a, b, t ) {
	return a + ( b - a ) * t;
}

// The page's weight convention (the inspector, the 3D connections): the panel colour for 0,
// blending to `positive` for w > 0 and to `negative` for w < 0, by |w| / scale (clamped).
export function divergingColor( w, scale, { base, positive, negative } ) {
	const t = scale > 0 ? Math.min( 1, Math.abs( w ) / scale ) : 0;
	const target = w >= 0 ? positive : negative;
	return [ 0, 1, 2 ].map( ( c ) => Math.round( lerp( base[ c ], target[ c ], t ) ) );
}

// max |w| of values[offset .. offset + length).
export function maxAbs( values, offset = 0, length = values.length - offset ) {
	let max = 0;
	for ( let k = offset; k < offset + length; ++ k ) max = Math.max( max, Math.abs( values[ k ] ) );
	return max;
}

// Tile order for the features gallery: 'index', 'norm' (highest first) or 'firing' (highest first);
// equal values keep index order.
export function tileOrder( mode, norms, firing ) {
	const order = Array.from( norms, ( _, j ) => j );
	const key = mode === 'norm' ? norms : mode === 'firing' ? firing : null;
	if ( key ) order.sort( ( a, b ) => key[ b ] - key[ a ] || a - b );
	return order;
}

// A sequential colour map for the loss surface (low = dark blue, high = yellow), t in 0..1.
export const LOSS_STOPS = [ [ 13, 8, 135 ], [ 84, 2, 163 ], [ 139, 10, 165 ], [ 185, 50, 137 ], [ 219, 92, 104 ],
	[ 244, 136, 73 ], [ 254, 188, 43 ], [ 240, 249, 33 ] ]; // plasma
export function rampColor( t, stops = LOSS_STOPS ) {
	const x = Math.min( 1, Math.max( 0, Number.isFinite( t ) ? t : 0 ) ) * ( stops.length - 1 );
	const i = Math.min( stops.length - 2, Math.floor( x ) );
	return [ 0, 1, 2 ].map( ( c ) => Math.round( lerp( stops[ i ][ c ], stops[ i + 1 ][ c ], x - i ) ) );
}

/**
 * The landscape result -> a surface in a box: x from alpha, z from beta (both to -size..size),
 * height y from the loss (min..max -> 0..height; the loss is drawn as log(1 + loss) when the range
 * is wide, so that a deep valley stays visible). Returns {positions: Float32Array(G*G*3),
 * colors: Float32Array(G*G*3) in 0..1, indices: Uint32Array, lossRange: [min, max], map, onSurface}
 * where map(alpha, beta, loss) places any point (the centre) on the same axes, and
 * onSurface(alpha, beta) is the point of the drawn surface above (alpha, beta), clamped to the
 * grid, its height interpolated between the four grid points around it: the training path is its
 * projection onto this plane, so it is drawn on the surface.
 */
export function landscapeMesh( { alphas, betas, loss }, { size = 10, height = 6 } = {} ) {
	const g = alphas.length;
	if ( g < 1 || betas.length !== g || loss.length !== g ) throw new Error( 'landscape: expected G alphas, G betas, G×G losses' );
	let min = Infinity, max = - Infinity;
	for ( const row of loss ) {
		if ( row.length !== g ) throw new Error( 'landscape: a loss row has the wrong length' );
		for ( const v of row ) if ( Number.isFinite( v ) ) { min = Math.min( min, v ); max = Math.max( max, v ); }
	}
	if ( min > max ) min = max = 0;
	const logScale = max > 10 * Math.max( min, 1e-3 );
	const f = ( v ) => ( logScale ? Math.log1p( v ) : v );
	const fMin = f( min ), fSpan = Math.max( 1e-9, f( max ) - fMin );
	const aSpan = Math.max( 1e-9, Math.abs( alphas[ g - 1 ] - alphas[ 0 ] ) / 2 ) || 1;
	const bSpan = Math.max( 1e-9, Math.abs( betas[ g - 1 ] - betas[ 0 ] ) / 2 ) || 1;
	const aMid = ( alphas[ 0 ] + alphas[ g - 1 ] ) / 2, bMid = ( betas[ 0 ] + betas[ g - 1 ] ) / 2;
	const level = ( v ) => ( Number.isFinite( v ) ? ( f( Math.max( min, Math.min( max, v ) ) ) - fMin ) / fSpan : 1 );
	const map = ( alpha, beta, value ) => [ ( alpha - aMid ) / aSpan * size, level( value ) * height, ( beta - bMid ) / bSpan * size ];
	const positions = new Float32Array( g * g * 3 );
	const colors = new Float32Array( g * g * 3 );
	for ( let j = 0; j < g; ++ j ) {
		for ( let i = 0; i < g; ++ i ) {
			const k = j * g + i;
			positions.set( map( alphas[ i ], betas[ j ], loss[ j ][ i ] ), k * 3 );
			colors.set( rampColor( level( loss[ j ][ i ] ) ).map( ( c ) => c / 255 ), k * 3 );
		}
	}
	const indices = new Uint32Array( Math.max( 0, g - 1 ) ** 2 * 6 );
	let n = 0;
	for ( let j = 0; j + 1 < g; ++ j ) {
		for ( let i = 0; i + 1 < g; ++ i ) {
			const a = j * g + i, b = a + 1, c = a + g, d = c + 1;
			indices.set( [ a, c, b, b, c, d ], n );
			n += 6;
		}
	}
	const clamp = ( x ) => Math.min( g - 1, Math.max( 0, Number.isFinite( x ) ? x : 0 ) );
	const onSurface = ( alpha, beta ) => {
		const fi = clamp( ( alpha - alphas[ 0 ] ) / ( alphas[ g - 1 ] - alphas[ 0 ] || 1 ) * ( g - 1 ) );
		const fj = clamp( ( beta - betas[ 0 ] ) / ( betas[ g - 1 ] - betas[ 0 ] || 1 ) * ( g - 1 ) );
		const i = Math.min( Math.floor( fi ), Math.max( 0, g - 2 ) ), j = Math.min( Math.floor( fj ), Math.max( 0, g - 2 ) );
		const u = g > 1 ? fi - i : 0, v = g > 1 ? fj - j : 0;
		const y = ( di, dj ) => positions[ ( Math.min( g - 1, j + dj ) * g + Math.min( g - 1, i + di ) ) * 3 + 1 ];
		const height = ( 1 - u ) * ( 1 - v ) * y( 0, 0 ) + u * ( 1 - v ) * y( 1, 0 ) + ( 1 - u ) * v * y( 0, 1 ) + u * v * y( 1, 1 );
		const [ x, , z ] = map( alphas[ 0 ] + fi / Math.max( 1, g - 1 ) * ( alphas[ g - 1 ] - alphas[ 0 ] ),
			betas[ 0 ] + fj / Math.max( 1, g - 1 ) * ( betas[ g - 1 ] - betas[ 0 ] ), min );
		return [ x, height, z ];
	};
	return { positions, colors, indices, lossRange: [ min, max ], logScale, map, onSurface };
}

// How far the projected training path reaches from the centre, as a fraction of the span (the
// largest |alpha| or |beta| of its points over span); 0 without a path.
export function pathExtent( trajectory, span ) {
	let extent = 0;
	for ( const [ a, b ] of trajectory ?? [] ) {
		if ( Number.isFinite( a ) && Number.isFinite( b ) ) extent = Math.max( extent, Math.abs( a ), Math.abs( b ) );
	}
	return span > 0 ? extent / span : 0;
}

// The weight painter's brush, as core::brushWeight: sign * strength * (1 - (d / r)^2)^2 for d < r,
// d from the brush centre (x, y in pixels, 0..28) to the pixel centre (c + 0.5, r + 0.5).
export function brushWeight( { x, y, radius, strength, sign }, column, row ) {
	const d = Math.hypot( column + 0.5 - x, row + 0.5 - y );
	if ( d >= radius ) return 0;
	const u = 1 - ( d / radius ) ** 2;
	return ( sign < 0 ? - 1 : 1 ) * strength * u * u;
}

// A model (inference.parseWeights) whose first layer is copied, so painting it leaves the original alone.
export function privateCopy( model ) {
	const [ first, ...rest ] = model.layers;
	return { ...model, layers: [ { ...first, W: Float32Array.from( first.W ), b: Float32Array.from( first.b ) }, ...rest ] };
}

// Paints first-layer neuron `neuron` of `model` (W row-major (in, out), 28×28 inputs). Returns the
// number of weights changed.
export function paintNeuron( model, neuron, brush ) {
	const { W, outSize, inSize } = model.layers[ 0 ];
	if ( inSize !== 784 || neuron < 0 || neuron >= outSize ) return 0;
	let changed = 0;
	for ( let row = 0; row < 28; ++ row ) {
		for ( let column = 0; column < 28; ++ column ) {
			const delta = brushWeight( brush, column, row );
			if ( delta === 0 ) continue;
			W[ ( row * 28 + column ) * outSize + neuron ] += delta;
			++ changed;
		}
	}
	return changed;
}

// Sum of a histogram's counts (the API's {counts}).
export function histogramTotal( histogram ) {
	return histogram ? histogram.counts.reduce( ( a, b ) => a + b, 0 ) : 0;
}
