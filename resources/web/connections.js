// Which connections the 3D view draws: a whole MLP has ~110k of them, far too many lines for a
// phone. Mode 'strongest' keeps the strongest |w| into each neuron (the rule below, shared with the
// desktop app); 'sampled' keeps a fixed random (seeded) sample so the view shows the typical
// weights, not only the extremes. Pure data.
//
// The rule (app/connectionselector.h follows it word for word; tests/data/connections-golden.json
// holds the cases both are tested against):
// For every dense layer, with `outputs` target neurons and `inputs` source neurons:
// 1. K = floor(linesPerLayer / outputs), at most maxPerNeuron and inputs, at least 1.
// 2. Every target keeps its K strongest incoming weights: larger |w| first, ties to the lower source index.
// 3. If the layer then has more than linesPerLayer connections, it keeps the linesPerLayer strongest:
//    larger |w| first, ties to the lower target index, then to the lower source index.
// 4. The layer's connections are listed by target index, each target's in the order of step 2.
// 5. strength = |w| / the largest |w| kept in the layer, or 0 when that is 0.
// A weight that is not finite counts as |w| = 0 in steps 2, 3 and 5.

// The page's budget: 1212 lines for 784-128-64-10 (the desktop, rendering in software, keeps ~340),
// at most 8 x 768 + 60 for the largest network the architecture builder allows.
export const WEB_BUDGET = { linesPerLayer: 768, maxPerNeuron: 6 };
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
		to: new Uint16Array( count ), weight: new Float32Array( count ), strength: new Float32Array( count ), maxAbs: [] };
}

function push( set, d, i, j, w ) {
	set.layer[ set.count ] = d;
	set.from[ set.count ] = i;
	set.to[ set.count ] = j;
	set.weight[ set.count ] = w;
	set.count += 1;
}

// The |w| of steps 2, 3 and 5: a weight that is not finite counts as 0.
function magnitude( w ) {
	return Number.isFinite( w ) ? Math.abs( w ) : 0;
}

// Step 1: how many lines each target neuron of a dense layer keeps.
export function linesPerNeuron( inputs, outputs, budget = WEB_BUDGET ) {
	return Math.max( 1, Math.min( Math.floor( budget.linesPerLayer / outputs ), budget.maxPerNeuron, inputs ) );
}

// The rule above for one network. model.layers[d].W is dense layer d's (in x out) matrix, row-major.
export function strongestConnections( model, budget = WEB_BUDGET ) {
	const perLayer = model.layers.map( ( { inSize, outSize } ) =>
		inSize > 0 && outSize > 0 ? Math.min( outSize * linesPerNeuron( inSize, outSize, budget ), Math.max( 0, budget.linesPerLayer ) ) : 0 );
	const set = allocate( perLayer.reduce( ( a, b ) => a + b, 0 ) );
	model.layers.forEach( ( { W, inSize, outSize }, d ) => {
		set.maxAbs[ d ] = 1e-12;
		if ( perLayer[ d ] === 0 ) return;
		const K = linesPerNeuron( inSize, outSize, budget );
		const candidates = []; // [source, target, |w|] in step 4's order
		const bestIndex = new Int32Array( K );
		const bestAbs = new Float64Array( K );
		for ( let j = 0; j < outSize; ++ j ) {
			// Step 2: sources in ascending order into a sorted top-K list; an equal |w| never
			// overtakes one already there, so ties go to the lower source index.
			bestAbs.fill( - 1 );
			for ( let i = 0; i < inSize; ++ i ) {
				const a = magnitude( W[ i * outSize + j ] );
				if ( a <= bestAbs[ K - 1 ] ) continue;
				let slot = K - 1;
				while ( slot > 0 && bestAbs[ slot - 1 ] < a ) {
					bestAbs[ slot ] = bestAbs[ slot - 1 ];
					bestIndex[ slot ] = bestIndex[ slot - 1 ];
					-- slot;
				}
				bestAbs[ slot ] = a;
				bestIndex[ slot ] = i;
			}
			for ( let s = 0; s < K; ++ s ) candidates.push( [ bestIndex[ s ], j, bestAbs[ s ] ] );
		}
		let kept = candidates;
		if ( candidates.length > perLayer[ d ] ) {
			// Step 3, then step 4's order again.
			const stronger = ( a, b ) => ( b[ 2 ] - a[ 2 ] ) || ( a[ 1 ] - b[ 1 ] ) || ( a[ 0 ] - b[ 0 ] );
			kept = candidates.slice().sort( stronger ).slice( 0, perLayer[ d ] );
			kept.sort( ( a, b ) => ( a[ 1 ] - b[ 1 ] ) || stronger( a, b ) );
		}
		// Step 5.
		const largest = kept.reduce( ( m, c ) => Math.max( m, c[ 2 ] ), 0 );
		for ( const [ i, j, a ] of kept ) {
			set.strength[ set.count ] = largest > 0 ? a / largest : 0;
			push( set, d, i, j, W[ i * outSize + j ] );
		}
		set.maxAbs[ d ] = Math.max( 1e-12, largest );
	} );
	return set;
}

function sampled( model, sizes, seed ) {
	const random = seededRandom( seed );
	const pairs = sizes.slice( 1 ).map( ( out, d ) => sizes[ d ] * out );
	const totalPairs = pairs.reduce( ( a, b ) => a + b, 0 );
	const set = allocate( SAMPLED_TOTAL + 200 * pairs.length );
	set.strength = null; // sampled lines take their colour from maxAbs
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
 * Returns {count, layer, from, to, weight (typed arrays), strength ('strongest' only, else null),
 * maxAbs: [per dense layer: the largest |w| kept], hasWeights}.
 */
export function selectConnections( model, sizes, mode, seed = 1 ) {
	const usable = model && model.sizes.join() === sizes.join();
	const set = mode === 'strongest' && usable ? strongestConnections( model ) : sampled( usable ? model : null, sizes, seed );
	set.hasWeights = !! usable;
	return set;
}
