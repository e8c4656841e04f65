// The binary frame decoder against an encoder written here from the documented layout
// (docs/protocol.md, "Binary frames"), independently of the server's C++ one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeFrame, halfToFloat, isBinaryFrame } from '../../../resources/web/binarywire.js';

function frame( header, groups ) {
	const parts = [];
	const u32 = ( v ) => { const b = Buffer.alloc( 4 ); b.writeUInt32LE( v ); return b; };
	const f32 = ( v ) => { const b = Buffer.alloc( 4 ); b.writeFloatLE( v ); return b; };
	const text = Buffer.from( JSON.stringify( header ) );
	parts.push( Buffer.from( 'NJB\x01', 'latin1' ), u32( text.length ), text );
	for ( const { coding, arrays } of groups ) {
		const count = Buffer.alloc( 2 );
		count.writeUInt16LE( arrays.length );
		parts.push( count );
		for ( const values of arrays ) {
			parts.push( u32( values.length ), Buffer.from( [ coding ] ) );
			if ( coding === 1 ) {
				const low = Math.min( ...values ), high = Math.max( ...values );
				parts.push( f32( low ), f32( high ), Buffer.from( values.map( ( v ) => high > low ? Math.round( ( v - low ) / ( high - low ) * 255 ) : 0 ) ) );
			} else if ( coding === 2 ) {
				const logs = values.filter( ( v ) => v !== 0 ).map( ( v ) => Math.log( Math.abs( v ) ) );
				const low = Math.fround( Math.min( ...logs ) ), high = Math.fround( Math.max( ...logs ) );
				parts.push( f32( low ), f32( high ), Buffer.from( values.map( ( v ) => {
					if ( v === 0 ) return 0;
					const level = 1 + Math.round( ( Math.log( Math.abs( v ) ) - low ) / ( high - low ) * 126 );
					return level | ( v < 0 ? 0x80 : 0 );
				} ) ) );
			} else if ( coding === 4 ) {
				parts.push( ...values.map( f32 ) );
			}
		}
	}
	const bytes = Buffer.concat( parts );
	return bytes.buffer.slice( bytes.byteOffset, bytes.byteOffset + bytes.length );
}

test( 'a frame decodes into the JSON message shape with its groups under their names', () => {
	const activations = [ [ 0, 0.5, 1 ], [ 0.2, 0.4 ] ];
	const gradients = [ [ 1e-5, - 2e-3, 0, 0.04 ] ];
	const buffer = frame( { type: 'update', seq: 7, stats: { loss: 0.3 }, arrays: [ 'activations', 'gradients', 'pause_moment.loss_history' ] },
		[ { coding: 1, arrays: activations }, { coding: 2, arrays: gradients }, { coding: 4, arrays: [ [ 2.5, 1.25 ] ] } ] );
	assert.ok( isBinaryFrame( buffer ) );
	const message = decodeFrame( buffer );
	assert.equal( message.type, 'update' );
	assert.equal( message.seq, 7 );
	assert.equal( message.arrays, undefined, 'the group list is not part of the message' );
	assert.equal( message.activations.length, 2 );
	activations.flat().forEach( ( v, k ) => assert.ok( Math.abs( [ ...message.activations[ 0 ], ...message.activations[ 1 ] ][ k ] - v ) <= 0.5 / 255 + 1e-6 ) );
	const decoded = message.gradients[ 0 ];
	gradients[ 0 ].forEach( ( v, k ) => {
		assert.equal( Math.sign( decoded[ k ] ), Math.sign( v ) );
		assert.ok( Math.abs( decoded[ k ] - v ) <= Math.abs( v ) * 0.05, `${decoded[ k ]} vs ${v}` );
	} );
	assert.deepEqual( [ ...message.pause_moment.loss_history[ 0 ] ], [ 2.5, 1.25 ] );
} );

test( 'half floats decode exactly', () => {
	assert.equal( halfToFloat( 0x3c00 ), 1 );
	assert.equal( halfToFloat( 0xc000 ), - 2 );
	assert.equal( halfToFloat( 0x7bff ), 65504 );
	assert.equal( halfToFloat( 0x0001 ), 2 ** - 24 );
	assert.equal( halfToFloat( 0x7c00 ), Infinity );
	assert.ok( Number.isNaN( halfToFloat( 0x7e00 ) ) );
} );

test( 'malformed frames are refused with a message, never read past the end', () => {
	const good = frame( { arrays: [ 'a' ] }, [ { coding: 1, arrays: [ [ 0.1, 0.9 ] ] } ] );
	for ( let cut = 8; cut < good.byteLength; ++ cut ) {
		assert.throws( () => decodeFrame( good.slice( 0, cut ) ), /binary frame/, `cut at ${cut}` );
	}
	const corrupt = new Uint8Array( good.slice( 0 ) );
	corrupt[ 8 + JSON.stringify( { arrays: [ 'a' ] } ).length + 2 + 4 ] = 9;
	assert.throws( () => decodeFrame( corrupt.buffer ), /coding 9/ );
	assert.ok( ! isBinaryFrame( new TextEncoder().encode( '{"type":"update"}' ).buffer ) );
} );

test( 'training_complete weights come back as the JSON weights list', () => {
	// float32 -> binary16 bits, for normal numbers and zero (all the test needs).
	const half = ( v ) => {
		const i = new Uint32Array( new Float32Array( [ v ] ).buffer )[ 0 ];
		if ( ( i & 0x7fffffff ) === 0 ) return ( i >> 16 ) & 0x8000;
		return ( ( i >> 16 ) & 0x8000 ) | ( ( ( ( i >> 23 ) & 0xff ) - 112 ) << 10 ) | ( ( i >> 13 ) & 0x3ff );
	};
	const layout = [ { type: 'Dense', inputSize: 2, outputSize: 3 }, { type: 'ReLU' }, { type: 'Dense', inputSize: 3, outputSize: 1 }, { type: 'Softmax' } ];
	const parts = [];
	const text = Buffer.from( JSON.stringify( { type: 'training_complete', weights: null, weights_layout: layout, arrays: [ 'dense_weights', 'dense_biases' ] } ) );
	const u32 = ( v ) => { const b = Buffer.alloc( 4 ); b.writeUInt32LE( v ); return b; };
	parts.push( Buffer.from( 'NJB\x01', 'latin1' ), u32( text.length ), text );
	const group = ( arrays ) => {
		const count = Buffer.alloc( 2 );
		count.writeUInt16LE( arrays.length );
		parts.push( count );
		for ( const values of arrays ) {
			const data = Buffer.alloc( 2 * values.length );
			values.forEach( ( v, k ) => data.writeUInt16LE( half( v ), 2 * k ) );
			parts.push( u32( values.length ), Buffer.from( [ 3 ] ), data );
		}
	};
	group( [ [ 0.5, 1, 2, - 1, - 0.25, 4 ], [ 1, 2, 3 ] ] ); // input-major: row i = input i's outputs
	group( [ [ 0.125, 0, - 8 ], [ 0.5 ] ] );
	const bytes = Buffer.concat( parts );
	const message = decodeFrame( bytes.buffer.slice( bytes.byteOffset, bytes.byteOffset + bytes.length ) );
	assert.deepEqual( message.weights[ 0 ], { type: 'Dense', inputSize: 2, outputSize: 3, weights: [ [ 0.5, 1, 2 ], [ - 1, - 0.25, 4 ] ], bias: [ [ 0.125, 0, - 8 ] ] } );
	assert.deepEqual( message.weights[ 1 ], { type: 'ReLU' } );
	assert.deepEqual( message.weights[ 2 ].weights, [ [ 1 ], [ 2 ], [ 3 ] ] );
	assert.equal( message.weights[ 3 ].type, 'Softmax' );
	assert.equal( message.dense_weights, undefined );
	assert.equal( message.weights_layout, undefined );
} );
