// In-browser forward pass with the weights the server shares (/get-weights, training_complete):
// the same Dense -> activation chain as core, in float64 accumulation. Pure functions, no DOM.
// Storage: W is row-major (in, out) as on the wire, so z_j = b_j + sum_i x_i * W[i * out + j].

const ACTIVATIONS = {
	relu: ( z ) => ( z > 0 ? z : 0 ),
	sigmoid: ( z ) => 1 / ( 1 + Math.exp( - z ) ),
	tanh: ( z ) => Math.tanh( z ),
};

/**
 * Parses the /get-weights layer list into {layers: [{W, b, inSize, outSize, activation}], sizes}.
 * Throws an Error naming the layer and field when the list is not a Dense/activation chain.
 */
export function parseWeights( layerList ) {
	if ( ! Array.isArray( layerList ) || layerList.length === 0 ) throw new Error( 'weights: expected a non-empty layer list' );
	const layers = [];
	for ( let k = 0; k < layerList.length; ++ k ) {
		const layer = layerList[ k ];
		const type = String( layer?.type ?? '' ).toLowerCase();
		if ( type === 'dense' ) {
			layers.push( parseDense( layer, k ) );
		} else if ( type in ACTIVATIONS || type === 'softmax' ) {
			const previous = layers[ layers.length - 1 ];
			if ( ! previous || previous.activation ) throw new Error( `weights: layer ${k} (${layer.type}) does not follow a Dense layer` );
			previous.activation = type;
		} else {
			throw new Error( `weights: layer ${k} has unknown type "${layer?.type}"` );
		}
	}
	for ( let d = 0; d < layers.length; ++ d ) {
		if ( d > 0 && layers[ d ].inSize !== layers[ d - 1 ].outSize ) {
			throw new Error( `weights: Dense ${d} takes ${layers[ d ].inSize} inputs but the previous layer gives ${layers[ d - 1 ].outSize}` );
		}
		if ( ! layers[ d ].activation ) layers[ d ].activation = d === layers.length - 1 ? 'softmax' : 'relu';
	}
	if ( layers[ layers.length - 1 ].activation !== 'softmax' ) throw new Error( 'weights: the last layer must be Softmax' );
	const sizes = [ layers[ 0 ].inSize, ...layers.map( ( l ) => l.outSize ) ];
	return { layers, sizes };
}

function parseDense( layer, k ) {
	const rows = layer.weights;
	if ( ! Array.isArray( rows ) || rows.length === 0 || ! Array.isArray( rows[ 0 ] ) ) {
		throw new Error( `weights: Dense layer ${k} "weights" must be an (in x out) array of rows` );
	}
	const inSize = rows.length;
	const outSize = rows[ 0 ].length;
	if ( ( layer.inputSize !== undefined && layer.inputSize !== inSize ) ||
		( layer.outputSize !== undefined && layer.outputSize !== outSize ) ) {
		throw new Error( `weights: Dense layer ${k} says ${layer.inputSize}x${layer.outputSize} but holds ${inSize}x${outSize}` );
	}
	const W = new Float32Array( inSize * outSize );
	for ( let i = 0; i < inSize; ++ i ) {
		const row = rows[ i ];
		if ( ! Array.isArray( row ) || row.length !== outSize ) {
			throw new Error( `weights: Dense layer ${k} row ${i} has ${row?.length} values, expected ${outSize}` );
		}
		W.set( row, i * outSize );
	}
	const biasRow = Array.isArray( layer.bias?.[ 0 ] ) ? layer.bias[ 0 ] : layer.bias;
	if ( ! Array.isArray( biasRow ) || biasRow.length !== outSize ) {
		throw new Error( `weights: Dense layer ${k} bias has ${biasRow?.length} values, expected ${outSize}` );
	}
	if ( ! W.every( Number.isFinite ) || ! biasRow.every( Number.isFinite ) ) {
		throw new Error( `weights: Dense layer ${k} holds a non-finite number` );
	}
	return { W, b: Float32Array.from( biasRow ), inSize, outSize, activation: null };
}

// Numerically stable softmax (subtract the max before exp).
export function softmax( z ) {
	let max = - Infinity;
	for ( const v of z ) max = Math.max( max, v );
	const out = new Float64Array( z.length );
	let sum = 0;
	for ( let j = 0; j < z.length; ++ j ) {
		out[ j ] = Math.exp( z[ j ] - max );
		sum += out[ j ];
	}
	for ( let j = 0; j < z.length; ++ j ) out[ j ] /= sum;
	return out;
}

/**
 * Runs `input` (784 numbers 0..1) through the model.
 * Returns {digit, probabilities: Float64Array(10), activations: [input, hidden..., output]}.
 */
export function forward( model, input ) {
	if ( input.length !== model.sizes[ 0 ] ) throw new Error( `forward: expected ${model.sizes[ 0 ]} inputs, got ${input.length}` );
	let x = Float64Array.from( input );
	const activations = [ x ];
	for ( const layer of model.layers ) {
		const { W, b, inSize, outSize } = layer;
		const z = Float64Array.from( b );
		for ( let i = 0; i < inSize; ++ i ) {
			const xi = x[ i ];
			if ( xi === 0 ) continue; // drawings are mostly zeros
			const offset = i * outSize;
			for ( let j = 0; j < outSize; ++ j ) z[ j ] += xi * W[ offset + j ];
		}
		if ( layer.activation === 'softmax' ) {
			x = softmax( z );
		} else {
			const f = ACTIVATIONS[ layer.activation ];
			for ( let j = 0; j < outSize; ++ j ) z[ j ] = f( z[ j ] );
			x = z;
		}
		activations.push( x );
	}
	let digit = 0;
	for ( let j = 1; j < x.length; ++ j ) if ( x[ j ] > x[ digit ] ) digit = j;
	return { digit, probabilities: x, activations };
}

// Weights + biases of an architecture [784, ..., 10].
export function parameterCount( sizes ) {
	let total = 0;
	for ( let d = 1; d < sizes.length; ++ d ) total += sizes[ d - 1 ] * sizes[ d ] + sizes[ d ];
	return total;
}

// Column j of layer d's weights: the incoming weights of neuron j (length inSize).
export function incomingWeights( model, denseIndex, neuron ) {
	const { W, inSize, outSize } = model.layers[ denseIndex ];
	const column = new Float32Array( inSize );
	for ( let i = 0; i < inSize; ++ i ) column[ i ] = W[ i * outSize + neuron ];
	return column;
}
