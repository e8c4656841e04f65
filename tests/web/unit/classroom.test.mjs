// The classroom's pure parts: names as the class sees them, the participants' order, who
// drives, the message handling, following the presenter, the throttled view sender, the camera
// frame shared by landscape and portrait pages, and the driver's HTTP header.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cleanName, deviceKind, displayName, sinceText, sortParticipants, driverText, ClassroomState, FollowState,
	ViewSender, toWireFrame, fromWireFrame, MAX_NAME_LENGTH } from '../../../resources/web/classroom.js';
import { ApiClient } from '../../../resources/web/api.js';

test( 'cleanName trims, collapses spaces, drops hidden characters and keeps any script', () => {
	assert.equal( cleanName( '  Ada   Lovelace  ' ), 'Ada Lovelace' );
	assert.equal( cleanName( 'A\u202Eda\u200B\u0007' ), 'Ada', 'bidi override, zero-width space, bell' );
	assert.equal( cleanName( 'Zoë 李雷 Ωμέγα' ), 'Zoë 李雷 Ωμέγα' );
	assert.equal( cleanName( '\uE000x' ), 'x', 'private use' );
	assert.equal( cleanName( '😀'.repeat( 30 ) ), '😀'.repeat( MAX_NAME_LENGTH ), 'code points, not UTF-16 units' );
	assert.equal( cleanName( 'a'.repeat( 23 ) + ' bc' ), 'a'.repeat( 23 ), 'a space and a letter do not fit in 24' );
	assert.equal( cleanName( '<img src=x onerror=alert(1)>' ), '<img src=x onerror=alert(1)>'.slice( 0, 24 ),
		'markup stays text (the page writes names with textContent)' );
	assert.equal( cleanName( null ), '' );
	assert.equal( cleanName( ' \t\n ' ), '' );
} );

test( 'deviceKind: a touch-first small screen is a phone', () => {
	assert.equal( deviceKind( { coarsePointer: true, width: 390, height: 844 } ), 'phone' );
	assert.equal( deviceKind( { coarsePointer: true, width: 1366, height: 1024 } ), 'computer', 'a big tablet' );
	assert.equal( deviceKind( { coarsePointer: false, width: 390, height: 844 } ), 'computer', 'a narrow desktop window' );
} );

test( 'displayName and sinceText', () => {
	assert.equal( displayName( { client_id: '7', name: '' } ), 'Guest 7' );
	assert.equal( displayName( { client_id: '7', name: 'Ada' } ), 'Ada' );
	assert.equal( sinceText( 1000, 1000 + 59999 ), 'just now' );
	assert.equal( sinceText( 0, 3 * 60000 + 5 ), '3 min' );
	assert.equal( sinceText( 0, 65 * 60000 ), '1 h 5 min' );
	assert.equal( sinceText( 0, 120 * 60000 ), '2 h' );
	assert.equal( sinceText( 5000, 1000 ), 'just now', 'a server clock ahead of ours is not negative time' );
} );

test( 'sortParticipants: raised hands first, then the driver, the presenters, the rest, each in joining order', () => {
	const list = [
		{ client_id: '1', role: 'presenter', since_ms: 10 },
		{ client_id: '2', role: 'viewer', since_ms: 20 },
		{ client_id: '3', role: 'viewer', since_ms: 30, hand_raised: true },
		{ client_id: '4', role: 'driver', since_ms: 40, driver: true },
		{ client_id: '5', role: 'viewer', since_ms: 15, hand_raised: true },
		{ client_id: '6', role: 'viewer', since_ms: 5 },
	];
	assert.deepEqual( sortParticipants( list ).map( ( p ) => p.client_id ), [ '5', '3', '4', '1', '6', '2' ] );
	assert.equal( list[ 0 ].client_id, '1', 'the input is not reordered' );
} );

test( 'driverText names who drives', () => {
	const people = [ { client_id: '2', name: 'Ada' }, { client_id: '3', name: '' } ];
	assert.equal( driverText( people, null, '2' ), 'The presenter drives' );
	assert.equal( driverText( people, '2', '2' ), 'You drive' );
	assert.equal( driverText( people, '2', '9' ), 'Ada drives' );
	assert.equal( driverText( people, '3', '9' ), 'Guest 3 drives' );
} );

test( 'ClassroomState: self, participants, control and the driver key', () => {
	const s = new ClassroomState();
	assert.deepEqual( [ ...s.apply( { type: 'connected', client_id: '4', role: 'viewer' } ).changed ], [ 'self' ] );
	assert.equal( s.presenter, false );
	s.apply( { type: 'participants', participants: [ { client_id: '4', name: 'Ada', hand_raised: true }, null ] } );
	assert.equal( s.participants.length, 1, 'malformed entries are dropped' );
	assert.equal( s.handRaised, true );
	assert.ok( s.apply( { type: 'participants', participants: 'x' } ).error );
	assert.ok( s.apply( { type: 'control', driver: '4' } ).changed.has( 'control' ) );
	assert.equal( s.isDriver, true );
	assert.ok( s.apply( { type: 'control_granted', driver_key: 'k1' } ).changed.has( 'key' ) );
	assert.equal( s.driverKey, 'k1' );
	assert.ok( s.apply( { type: 'control_granted' } ).error );
	const revoked = s.apply( { type: 'control', driver: null } );
	assert.ok( revoked.changed.has( 'control' ) && revoked.changed.has( 'key' ) );
	assert.equal( s.driverKey, null, 'the key is void once control goes' );
	assert.equal( s.isDriver, false );
	assert.ok( s.apply( { type: 'state' } ).error, 'not a classroom message' );
} );

test( 'ClassroomState: the gallery (newest first), removals, clear and the drawing on show', () => {
	const s = new ClassroomState();
	const pixels = new Array( 784 ).fill( 0 );
	for ( const id of [ 1, 2, 3 ] ) {
		assert.ok( s.apply( { type: 'gallery_item', id, client_id: '4', name: 'Ada', pixels, prediction: id, probabilities: [] } ).changed.has( 'gallery' ) );
	}
	assert.deepEqual( s.galleryItems().map( ( i ) => i.id ), [ 3, 2, 1 ] );
	assert.equal( s.galleryItems()[ 0 ].type, undefined );
	assert.ok( s.apply( { type: 'gallery_item', id: 4, pixels: [ 1, 2 ] } ).error, '784 pixels or nothing' );
	assert.ok( s.apply( { type: 'gallery_show', id: 2 } ).changed.has( 'shown' ) );
	assert.ok( s.apply( { type: 'gallery_show', id: 99 } ).error );
	s.apply( { type: 'gallery_removed', ids: [ 2 ], cleared: false } );
	assert.deepEqual( s.galleryItems().map( ( i ) => i.id ), [ 3, 1 ] );
	assert.equal( s.shownId, null, 'the drawing on show was removed' );
	s.apply( { type: 'gallery_removed', ids: [], cleared: true } );
	assert.equal( s.gallery.size, 0 );
} );

test( 'ClassroomState: presenter_view keeps only well-formed parts', () => {
	const s = new ClassroomState();
	s.apply( { type: 'presenter_view', camera: { position: [ 1, 2, 3 ], target: [ 0, 0, 0 ] }, selected: { layer: 1, neuron: 5 }, view: 'features' } );
	assert.deepEqual( s.presenterView, { camera: { frame: 'page', position: [ 1, 2, 3 ], target: [ 0, 0, 0 ] }, selected: { layer: 1, neuron: 5 }, view: 'features' } );
	s.apply( { type: 'presenter_view', camera: { position: null, target: [ 0, 0, 0 ] }, selected: null } );
	assert.deepEqual( s.presenterView, { camera: null, selected: null, view: null } );
	// The desktop's camera: its own frame, and the orbit from its home view that the page follows.
	s.apply( { type: 'presenter_view', camera: { frame: 'window', position: [ 0, 1, 9 ], target: [ 0, 0, 0 ], orbit: { yaw: 30, pitch: - 5, zoom: 1.5 } } } );
	assert.deepEqual( s.presenterView.camera, { frame: 'window', position: [ 0, 1, 9 ], target: [ 0, 0, 0 ], orbit: { yaw: 30, pitch: - 5, zoom: 1.5 } } );
	s.apply( { type: 'presenter_view', camera: { frame: 'window', position: null, target: null, orbit: { yaw: 10, pitch: null, zoom: 1 } } } );
	assert.equal( s.presenterView.camera, null, 'the server drops out-of-range numbers: nothing usable is left' );
} );

test( 'FollowState: follows by default, breaks away on its own move, comes back with the last view', () => {
	const f = new FollowState();
	const view = { camera: null, selected: { layer: 1, neuron: 2 }, view: 'network' };
	assert.equal( f.onPresenterView( view, { presenter: false } ), view );
	assert.equal( f.onPresenterView( view, { presenter: true } ), null, 'the presenter never follows' );
	assert.equal( f.onOwnMove(), true, 'the first own move breaks away' );
	assert.equal( f.onOwnMove(), false );
	assert.equal( f.onPresenterView( view, { presenter: false } ), null );
	assert.equal( f.followAgain( view ), view, 'follow again jumps to the presenter\'s last view' );
	assert.equal( f.following, true );
	f.breakAway();
	assert.equal( f.following, false );
	assert.equal( f.followAgain( undefined ), null );
} );

test( 'ViewSender: at most 5 a second, only on change, the last change always sent', () => {
	let now = 0;
	const timers = [];
	const sent = [];
	const sender = new ViewSender( { send: ( v ) => sent.push( v ), now: () => now,
		timers: { setTimeout: ( fn, ms ) => timers.push( { fn, at: now + ms } ) } } );
	const at = ( x ) => ( { camera: { position: [ x, 0, 10 ], target: [ 0, 0, 0 ] }, selected: null, view: 'network' } );
	assert.equal( sender.offer( at( 1 ) ), true );
	assert.equal( sender.offer( at( 1.001 ) ), false, 'a change below 0.01 is no change' );
	for ( let k = 2; k <= 20; ++ k ) {
		now += 10;
		sender.offer( at( k ) ); // a drag: 100 offers a second
	}
	assert.equal( sent.length, 1 );
	assert.equal( timers.length, 1, 'one trailing send scheduled' );
	now = timers[ 0 ].at;
	timers.shift().fn();
	assert.equal( sent.length, 2 );
	assert.equal( sent[ 1 ].camera.position[ 0 ], 20, 'where the presenter stopped' );
	now += 1000;
	assert.equal( sender.offer( at( 20 ) ), false, 'unchanged: nothing sent' );
	sender.reset();
	assert.equal( sender.offer( at( 20 ) ), true, 'after a reconnection the same view goes again' );
	// Rate over a long drag: 5 a second at most.
	const before = sent.length;
	for ( let k = 0; k < 300; ++ k ) {
		now += 10;
		sender.offer( at( 100 + k ) );
		while ( timers.length && timers[ 0 ].at <= now ) timers.shift().fn();
	}
	const rate = ( sent.length - before ) / 3;
	assert.ok( rate <= 5.01 && rate >= 4, `${rate} views a second` );
} );

test( 'the camera frame: a portrait page turns it a quarter turn and back', () => {
	const p = [ 3, - 7, 40 ];
	assert.deepEqual( fromWireFrame( toWireFrame( p, 'vertical' ), 'vertical' ), p );
	assert.deepEqual( toWireFrame( p, 'horizontal' ), p );
	// Portrait flows top to bottom: its input (top, +y) is the landscape input (left, -x).
	assert.deepEqual( toWireFrame( [ 0, 50, 0 ], 'vertical' ), [ - 50, 0, 0 ] );
	assert.deepEqual( fromWireFrame( [ 50, 0, 0 ], 'vertical' ), [ 0, - 50, 0 ], 'the output end goes to the bottom' );
} );

test( 'a driver sends its HTTP commands with X-NNJ-Driver', async () => {
	const calls = [];
	const fetchImpl = async ( url, init ) => {
		calls.push( init );
		return { ok: true, status: 200, text: async () => '{"status":"started"}' };
	};
	const client = new ApiClient( { pageUrl: 'http://192.168.1.5:8000/', fetchImpl } );
	await client.startTraining();
	assert.equal( calls[ 0 ].headers[ 'X-NNJ-Driver' ], undefined );
	client.driverKey = 'key-1';
	await client.startTraining();
	assert.equal( calls[ 1 ].headers[ 'X-NNJ-Driver' ], 'key-1' );
	assert.equal( calls[ 1 ].headers.Authorization, undefined, 'no token' );
} );
