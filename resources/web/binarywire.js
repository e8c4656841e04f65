// Decoder for the server's binary WebSocket frames (docs/protocol.md, "Binary frames"): a JSON
// header with every scalar field, then groups of number arrays, quantised. decodeFrame returns
// the same message object the JSON encoding would give: each array group put back under the name
// the header's `arrays` member lists, and training_complete's weights rebuilt into the JSON list.
// Pure: no DOM, unit tested under node.

const MAGIC = [ 0x4e, 0x4a, 0x42, 0x01 ]; // "NJB" version 1
const LOG_LEVELS = 126;
const textDecoder = new TextDecoder();

// IEEE binary16 bits -> number.
export function halfToFloat( bits ) {
	const sign = bits & 0x8000 ? - 1 : 1;
	const exponent = ( bits >> 10 ) & 0x1f;
	const fraction = bits & 0x3ff;
	if ( exponent === 0 ) return sign * fraction * 2 ** - 24;
	if ( exponent === 31 ) return fraction ? NaN : sign * Infinity;
	return sign * ( 1 + fraction / 1024 ) * 2 ** ( exponent - 15 );
}

export function isBinaryFrame( data ) {
	if ( ! ( data instanceof ArrayBuffer ) || data.byteLength < 8 ) return false;
	const head = new Uint8Array( data, 0, 4 );
	return MAGIC.every( ( b, k ) => head[ k ] === b );
}

function readArray( view, at ) {
	if ( at + 5 > view.byteLength ) throw new Error( 'binary frame: an array header is cut short' );
	const count = view.getUint32( at, true );
	const coding = view.getUint8( at + 4 );
	at += 5;
	const width = { 1: 1, 2: 1, 3: 2, 4: 4 }[ coding ];
	if ( ! width ) throw new Error( `binary frame: unknown array coding ${coding}` );
	const parameters = coding <= 2 ? 8 : 0;
	if ( at + parameters + count * width > view.byteLength ) throw new Error( `binary frame: an array of ${count} values is cut short` );
	const values = new Float32Array( count );
	if ( coding === 1 || coding === 2 ) {
		const low = view.getFloat32( at, true ), high = view.getFloat32( at + 4, true );
		at += 8;
		for ( let k = 0; k < count; ++ k ) {
			const q = view.getUint8( at + k );
			if ( coding === 1 ) {
				values[ k ] = low + q * ( high - low ) / 255;
			} else {
				const level = q & 0x7f;
				const magnitude = level ? Math.exp( low + ( level - 1 ) * ( high - low ) / LOG_LEVELS ) : 0;
				values[ k ] = q & 0x80 ? - magnitude : magnitude;
			}
		}
	} else {
		for ( let k = 0; k < count; ++ k ) {
			values[ k ] = coding === 3 ? halfToFloat( view.getUint16( at + 2 * k, true ) ) : view.getFloat32( at + 4 * k, true );
		}
	}
	return { values, next: at + count * width };
}

// ArrayBuffer -> message object. Throws with a message naming the problem on a malformed frame.
export function decodeFrame( buffer ) {
	if ( ! isBinaryFrame( buffer ) ) throw new Error( 'binary frame: no NJB1 magic' );
	const view = new DataView( buffer );
	const headerSize = view.getUint32( 4, true );
	if ( 8 + headerSize > buffer.byteLength ) throw new Error( `binary frame: the header of ${headerSize} bytes is cut short` );
	const message = JSON.parse( textDecoder.decode( new Uint8Array( buffer, 8, headerSize ) ) );
	const names = Array.isArray( message.arrays ) ? message.arrays : [];
	delete message.arrays;
	let at = 8 + headerSize;
	for ( const name of names ) {
		if ( at + 2 > buffer.byteLength ) throw new Error( `binary frame: group "${name}" is missing` );
		const count = view.getUint16( at, true );
		at += 2;
		const group = [];
		for ( let k = 0; k < count; ++ k ) {
			const { values, next } = readArray( view, at );
			group.push( Array.from( values ) ); // plain arrays, as the JSON message has
			at = next;
		}
		setPath( message, name, group );
	}
	if ( Array.isArray( message.weights_layout ) ) rebuildWeights( message );
	return message;
}

// training_complete: "weights_layout" plus the Dense layers' flat input-major "dense_weights" and
// "dense_biases" -> the JSON "weights" list ({"type":"Dense","weights":[[in][out]],"bias":[[out]]}).
function rebuildWeights( message ) {
	const { weights_layout: layout, dense_weights: weights = [], dense_biases: biases = [] } = message;
	let dense = 0;
	message.weights = layout.map( ( layer ) => {
		if ( layer.type !== 'Dense' ) return { ...layer };
		const flat = weights[ dense ], bias = biases[ dense ];
		dense += 1;
		if ( ! flat || ! bias || flat.length !== layer.inputSize * layer.outputSize || bias.length !== layer.outputSize ) {
			throw new Error( `binary frame: Dense layer ${dense} does not match its layout` );
		}
		const rows = [];
		for ( let i = 0; i < layer.inputSize; ++ i ) rows.push( flat.slice( i * layer.outputSize, ( i + 1 ) * layer.outputSize ) );
		return { ...layer, weights: rows, bias: [ bias ] };
	} );
	delete message.weights_layout;
	delete message.dense_weights;
	delete message.dense_biases;
}

// "pause_moment.activations" puts the group inside the nested object.
function setPath( target, path, value ) {
	const keys = path.split( '.' );
	let object = target;
	for ( const key of keys.slice( 0, - 1 ) ) {
		if ( typeof object[ key ] !== 'object' || object[ key ] === null ) object[ key ] = {};
		object = object[ key ];
	}
	object[ keys[ keys.length - 1 ] ] = value;
}
