// Which connections the 3D view draws: a whole MLP has ~110k of them, far too many lines for a
// phone. Mode 'strongest' keeps the K largest |w| into each neuron; 'sampled' keeps a fixed
// random (seeded) sample so the view shows the typical weights, not only the extremes. Pure data.

export const MAX_LINES = 6000;
const SAMPLED_TOTAL = 2400;

// Small deterministic PRNG (mulberry32) so a sample is the same on every page and frame.
export function seededRandom( seed ) {
	let a = seed >>> 0;
	return () => {
		a = ( a + 0x6D2B79F5 ) >>> 0;
		let t = a;
		t = Math.imul( t ^ ( t >>> 15 ), t | 1 );
		t ^= t + Math.imul( t ^ ( t >>> 7 ), t | 61 );
		return ( ( t ^ ( t >>> 14 ) ) >>> 0 ) / 4294967296;
	};
}

function allocate( count ) {
	return { count: 0, layer: new Uint8Array( count ), from: new Uint16Array( count ),
		to: new Uint16Array( count ), weight: new Float32Array( count ), maxAbs: [] };
}

function push( set, d, i, j, w ) {
	set.layer[ set.count ] = d;
	set.from[ set.count ] = i;
	set.to[ set.count ] = j;
	set.weight[ set.count ] = w;
	set.count += 1;
}

// Per-neuron K so that the whole set stays under MAX_LINES.
export function linesPerNeuron( sizes, wanted = 6 ) {
	const targets = sizes.slice( 1 ).reduce( ( a, b ) => a + b, 0 );
	return Math.max( 1, Math.min( wanted, Math.floor( MAX_LINES / targets ) ) );
}

function strongest( model, sizes ) {
	const K = linesPerNeuron( sizes );
	const set = allocate( sizes.slice( 1 ).reduce( ( a, b ) => a + b, 0 ) * K );
	model.layers.forEach( ( { W, inSize, outSize }, d ) => {
		let maxAbs = 1e-12;
		const bestIndex = new Int32Array( K );
		const bestAbs = new Float64Array( K );
		for ( let j = 0; j < outSize; ++ j ) {
			bestAbs.fill( - 1 );
			for ( let i = 0; i < inSize; ++ i ) {
				const a = Math.abs( W[ i * outSize + j ] );
				if ( a <= bestAbs[ K - 1 ] ) continue;
				let slot = K - 1; // insertion into the sorted top-K list
				while ( slot > 0 && bestAbs[ slot - 1 ] < a ) {
					bestAbs[ slot ] = bestAbs[ slot - 1 ];
					bestIndex[ slot ] = bestIndex[ slot - 1 ];
					-- slot;
				}
				bestAbs[ slot ] = a;
				bestIndex[ slot ] = i;
			}
			for ( let s = 0; s < Math.min( K, inSize ); ++ s ) {
				push( set, d, bestIndex[ s ], j, W[ bestIndex[ s ] * outSize + j ] );
				maxAbs = Math.max( maxAbs, bestAbs[ s ] );
			}
		}
		set.maxAbs[ d ] = maxAbs;
	} );
	return set;
}

function sampled( model, sizes, seed ) {
	const random = seededRandom( seed );
	const pairs = sizes.slice( 1 ).map( ( out, d ) => sizes[ d ] * out );
	const totalPairs = pairs.reduce( ( a, b ) => a + b, 0 );
	const set = allocate( SAMPLED_TOTAL + 200 * pairs.length );
	pairs.forEach( ( count, d ) => {
		const inSize = sizes[ d ];
		const outSize = sizes[ d + 1 ];
		const wanted = Math.min( count, Math.max( 200, Math.round( SAMPLED_TOTAL * count / totalPairs ) ) );
		let maxAbs = 1e-12;
		const seen = new Set();
		while ( seen.size < wanted ) {
			const key = Math.floor( random() * count );
			if ( seen.has( key ) ) continue;
			seen.add( key );
			const i = Math.floor( key / outSize );
			const j = key % outSize;
			const w = model ? model.layers[ d ].W[ i * outSize + j ] : 0;
			maxAbs = Math.max( maxAbs, Math.abs( w ) );
			push( set, d, i, j, w );
		}
		set.maxAbs[ d ] = maxAbs;
		if ( inSize === 0 ) set.maxAbs[ d ] = 1;
	} );
	return set;
}

/**
 * The connections to draw. model: parsed weights (inference.parseWeights) or null when the page
 * has none yet (then a neutral sample shows the structure, every weight 0).
 * Returns {count, layer, from, to, weight (typed arrays), maxAbs: [per dense layer], hasWeights}.
 */
export function selectConnections( model, sizes, mode, seed = 1 ) {
	const usable = model && model.sizes.join() === sizes.join();
	const set = mode === 'strongest' && usable ? strongest( model, sizes ) : sampled( usable ? model : null, sizes, seed );
	set.hasWeights = !! usable;
	return set;
}
