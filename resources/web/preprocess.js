// Drawing -> 28x28 MNIST-style input: the JavaScript twin of core/preprocess.cpp. The algorithm
// text (every rounding rule) is in that file and in tests/data/preprocess-golden.json; the unit
// test proves both give the same 784 numbers. All steps but the last are exact integer maths
// (well below 2^53), so plain Numbers reproduce the C++ results. Pure function, no DOM.

const SIDE = 28;
const TARGET_SIDE = 20;
const INK_THRESHOLD = 25;
const LIGHT_BACKGROUND_MEAN = 127;

// Step 1: true when the mean of the border pixels is above 127.
function hasLightBackground( gray, width, height ) {
	let sum = 0;
	let count = 0;
	for ( let y = 0; y < height; ++ y ) {
		const row = y * width;
		if ( y === 0 || y === height - 1 ) {
			for ( let x = 0; x < width; ++ x ) sum += gray[ row + x ];
			count += width;
		} else {
			sum += gray[ row ];
			++ count;
			if ( width > 1 ) {
				sum += gray[ row + width - 1 ];
				++ count;
			}
		}
	}
	return sum > LIGHT_BACKGROUND_MEAN * count;
}

// Step 5 along one axis: for destination cell `index`, the first source cell and the overlaps,
// measured in units where every boundary is an integer.
function footprints( sourceSize, targetSize ) {
	const result = [];
	for ( let index = 0; index < targetSize; ++ index ) {
		const begin = index * sourceSize;
		const end = begin + sourceSize;
		const first = Math.floor( begin / targetSize );
		const overlaps = [];
		for ( let cell = first; cell * targetSize < end; ++ cell ) {
			overlaps.push( Math.max( 0, Math.min( end, ( cell + 1 ) * targetSize ) - Math.max( begin, cell * targetSize ) ) );
		}
		result.push( { first, overlaps } );
	}
	return result;
}

/**
 * gray: width*height values 0..255 (0 black .. 255 white), row-major; any size >= 1x1.
 * Returns {pixels: Float32Array(784) row-major 0..1 with ink high, empty: bool}.
 */
export function preprocessDrawing( gray, width, height ) {
	const pixels = new Float32Array( SIDE * SIDE );
	if ( ! gray || width < 1 || height < 1 || gray.length < width * height ) return { pixels, empty: true };

	// Steps 1-2: optional inversion, bounding box of the ink.
	const invert = hasLightBackground( gray, width, height );
	const value = invert ? ( x, y ) => 255 - gray[ y * width + x ] : ( x, y ) => gray[ y * width + x ];
	let x0 = width, y0 = height, x1 = - 1, y1 = - 1;
	for ( let y = 0; y < height; ++ y ) {
		for ( let x = 0; x < width; ++ x ) {
			if ( value( x, y ) > INK_THRESHOLD ) {
				if ( x < x0 ) x0 = x;
				if ( x > x1 ) x1 = x;
				if ( y < y0 ) y0 = y;
				if ( y > y1 ) y1 = y;
			}
		}
	}
	if ( x1 < 0 ) return { pixels, empty: true };

	// Steps 3-4: crop size and target size (round half up so the longer side is exactly 20).
	const w = x1 - x0 + 1;
	const h = y1 - y0 + 1;
	const longer = Math.max( w, h );
	const nw = Math.max( 1, Math.floor( ( 2 * TARGET_SIDE * w + longer ) / ( 2 * longer ) ) );
	const nh = Math.max( 1, Math.floor( ( 2 * TARGET_SIDE * h + longer ) / ( 2 * longer ) ) );

	// Step 5, separable: rows first (T(i, r) = sum_c p(c, r) * ox(i, c)), then columns.
	const columnsOf = footprints( w, nw );
	const rowsOf = footprints( h, nh );
	const rowSums = new Float64Array( nw * h ); // (h rows, nw columns), exact integers
	for ( let r = 0; r < h; ++ r ) {
		for ( let i = 0; i < nw; ++ i ) {
			const { first, overlaps } = columnsOf[ i ];
			let sum = 0;
			for ( let k = 0; k < overlaps.length; ++ k ) sum += value( x0 + first + k, y0 + r ) * overlaps[ k ];
			rowSums[ r * nw + i ] = sum;
		}
	}

	// Step 6: paste the numerators S centred into the 28x28 canvas.
	const canvas = new Float64Array( SIDE * SIDE );
	const px = Math.floor( ( SIDE - nw ) / 2 );
	const py = Math.floor( ( SIDE - nh ) / 2 );
	for ( let j = 0; j < nh; ++ j ) {
		const { first, overlaps } = rowsOf[ j ];
		for ( let i = 0; i < nw; ++ i ) {
			let sum = 0;
			for ( let k = 0; k < overlaps.length; ++ k ) sum += rowSums[ ( first + k ) * nw + i ] * overlaps[ k ];
			canvas[ ( py + j ) * SIDE + px + i ] = sum;
		}
	}

	// Step 7: integer centre-of-mass shift, floor((14*M - X) / M).
	let mass = 0, momentX = 0, momentY = 0;
	for ( let y = 0; y < SIDE; ++ y ) {
		for ( let x = 0; x < SIDE; ++ x ) {
			const n = canvas[ y * SIDE + x ];
			mass += n;
			momentX += x * n;
			momentY += y * n;
		}
	}
	const dx = Math.floor( ( 14 * mass - momentX ) / mass );
	const dy = Math.floor( ( 14 * mass - momentY ) / mass );

	// Step 8: shift, drop what falls outside, scale to [0, 1] (two divisions, in this order).
	const denominator = w * h;
	for ( let y = 0; y < SIDE; ++ y ) {
		for ( let x = 0; x < SIDE; ++ x ) {
			const sourceX = x - dx;
			const sourceY = y - dy;
			if ( sourceX < 0 || sourceX >= SIDE || sourceY < 0 || sourceY >= SIDE ) continue;
			pixels[ y * SIDE + x ] = canvas[ sourceY * SIDE + sourceX ] / denominator / 255;
		}
	}
	return { pixels, empty: false };
}

// RGBA canvas pixels -> gray 0..255 (Rec. 601 luma, rounded), what preprocessDrawing takes.
export function rgbaToGray( rgba, width, height ) {
	const gray = new Uint8Array( width * height );
	for ( let k = 0; k < width * height; ++ k ) {
		const o = k * 4;
		gray[ k ] = Math.round( 0.299 * rgba[ o ] + 0.587 * rgba[ o + 1 ] + 0.114 * rgba[ o + 2 ] );
	}
	return gray;
}
