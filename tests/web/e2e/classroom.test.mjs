// End to end, the classroom on the web page: headless Chromium against a real nnjourney-server
// (real MNIST), three pages on one server. A: the presenter, a desktop opened with the join link
// (the token leaves the address bar at once and still presents after a reload). B: a phone on
// the LAN address, no token: it names itself, follows A's camera, selected neuron and open view,
// breaks away and comes back, draws for the class (A's gallery shows the server's prediction),
// hits the rate limit, gets the controls from A (its Train works over HTTP with X-NNJ-Driver)
// and loses them again. C: a second viewer who raises a hand. Screenshots go to
// $NNJ_WEB_ARTIFACTS (classroom-*.png).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { launchBrowser } from '../lib/browser.mjs';
import { startServer, missingPrerequisite, api, lanAddress, artifactsDir, TOKEN } from '../lib/server.mjs';

let skip = missingPrerequisite( { needMnist: true } );
const address = skip ? null : lanAddress();
if ( ! skip && ! address ) {
	if ( process.env.CI ) throw new Error( 'no non-loopback IPv4 address: the classroom needs a LAN page' );
	skip = 'no non-loopback IPv4 address';
}
const shots = artifactsDir();
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
const DESKTOP = { viewport: { width: 1440, height: 900 } };
let server, lanUrl, A, B, C, pageA, pageB, pageC;

const waitFor = ( page, fn, arg, timeout = 30000 ) => page.waitForFunction( fn, arg, { timeout, polling: 100 } );
const ready = ( page ) => waitFor( page, () => document.querySelector( '[data-testid=connection-status]' )?.dataset.state === 'connected' &&
	window.__nnj?.state.snapshotReceived && window.__nnj.room.selfId && window.__nnj.perf().frames > 0 );
const shot = ( page, name, options = {} ) => page.screenshot( { path: join( shots, `classroom-${name}.png` ), ...options } );
const close = ( a, b, tolerance ) => a.every( ( x, k ) => Math.abs( x - b[ k ] ) <= tolerance * Math.max( 1, Math.abs( b[ k ] ) ) );

before( async () => {
	if ( skip ) return;
	server = await startServer( { lan: true, name: 'server-classroom' } );
	lanUrl = `http://${address}:${server.port}/`;
	A = await launchBrowser( DESKTOP );
	B = await launchBrowser( { ...PHONE, askName: true } );
	C = await launchBrowser( DESKTOP );
	pageA = await A.newPage();
	pageB = await B.newPage();
	pageC = await C.newPage();
} );

after( async () => {
	for ( const b of [ A, B, C ] ) await b?.close();
	await server?.dispose();
} );

test( 'the join token leaves the address bar at once and still presents after a reload', { skip: skip || false }, async () => {
	await pageA.goto( `${lanUrl}?token=${TOKEN}` );
	await ready( pageA );
	assert.doesNotMatch( pageA.url(), /token/, 'no token in the address bar' );
	assert.equal( await pageA.evaluate( () => window.__nnj.room.presenter ), true );
	assert.equal( await pageA.evaluate( () => window.__nnj.state.role ), 'controller' );
	await pageA.reload();
	await ready( pageA );
	assert.doesNotMatch( pageA.url(), /token/ );
	assert.equal( await pageA.evaluate( () => window.__nnj.room.presenter ), true, 'the stored token still presents' );
	const sockets = A.log.requests.filter( ( url ) => url.startsWith( 'ws' ) );
	assert.ok( sockets.length >= 2 && sockets.every( ( url ) => url.includes( `token=${TOKEN}` ) ), sockets.join( '\n' ) );
	// The join link and its QR code only on request.
	assert.equal( await pageA.getByTestId( 'invite-dialog' ).isVisible(), false );
	assert.equal( await pageA.evaluate( ( token ) => document.body.innerText.includes( token ), TOKEN ), false );
} );

test( 'a phone joins with a name; the presenter sees it with its device and role', { skip: skip || false }, async () => {
	await pageB.goto( lanUrl );
	await ready( pageB );
	assert.equal( await pageB.evaluate( () => window.__nnj.room.presenter ), false );
	await pageB.getByTestId( 'name-prompt' ).waitFor( { state: 'visible' } );
	await shot( pageB, 'phone-name-prompt' );
	await pageB.getByTestId( 'name-input' ).fill( '  Ada\u202E   Lovelace  ' );
	await pageB.getByTestId( 'name-join' ).click();
	assert.equal( await pageB.getByTestId( 'name-prompt' ).isVisible(), false );
	const row = pageA.locator( '[data-testid=participant][data-role=viewer]' );
	await row.first().waitFor();
	await waitFor( pageA, () => [ ...document.querySelectorAll( '.participant-name' ) ].some( ( n ) => n.textContent === 'Ada Lovelace' ) );
	const ada = await pageA.evaluate( () => window.__nnj.room.participants.find( ( p ) => p.name === 'Ada Lovelace' ) );
	assert.equal( ada.device, 'phone' );
	assert.equal( ada.role, 'viewer' );
	assert.equal( await pageB.getByTestId( 'self-name' ).textContent(), 'Ada Lovelace' );
	assert.equal( await pageB.getByTestId( 'driver-badge' ).textContent(), 'The presenter drives' );
	// A second viewer, on a computer, who asks for the controls.
	await pageC.goto( lanUrl );
	await ready( pageC );
	// A name with markup stays text everywhere; then a rename.
	await pageC.evaluate( () => localStorage.setItem( 'nnj.name.v1', '<b>Grace</b><img src=x>' ) );
	await pageC.reload();
	await ready( pageC );
	await waitFor( pageA, () => [ ...document.querySelectorAll( '.participant-name' ) ].some( ( n ) => n.textContent === '<b>Grace</b><img src=x>' ) );
	assert.equal( await pageA.locator( '#participants b, #participants img' ).count(), 0, 'the name is text, not markup' );
	await pageC.locator( '#self-name-change' ).click();
	await pageC.getByTestId( 'name-input' ).fill( 'Grace' );
	await pageC.getByTestId( 'name-input' ).press( 'Enter' );
	await pageC.getByTestId( 'raise-hand' ).click();
	await waitFor( pageA, () => window.__nnj.room.participants.some( ( p ) => p.name === 'Grace' && p.hand_raised ) );
	const order = await pageA.evaluate( () => [ ...document.querySelectorAll( '[data-testid=participant] .participant-name' ) ].map( ( n ) => n.textContent ) );
	assert.equal( order[ 0 ], 'Grace', `raised hands first: ${order}` );
} );

test( 'the phone follows the presenter\'s camera, selected neuron and view; breaks away and comes back', { skip: skip || false }, async () => {
	assert.equal( await pageB.getByTestId( 'follow-pill' ).isVisible(), true );
	assert.equal( await pageA.getByTestId( 'follow-pill' ).isVisible(), false, 'the presenter leads' );
	// A turns the network with the mouse.
	const box = await pageA.getByTestId( 'network-canvas' ).boundingBox();
	await pageA.mouse.move( box.x + box.width * 0.5, box.y + box.height * 0.6 );
	await pageA.mouse.down();
	await pageA.mouse.move( box.x + box.width * 0.42, box.y + box.height * 0.57, { steps: 12 } );
	await pageA.mouse.up();
	await pageA.waitForTimeout( 500 ); // the trailing view goes out within 200 ms
	// A portrait phone lays the network out differently: it takes A's turn, tilt and zoom from
	// home onto its own home view (a landscape page takes position and target as they are).
	const viewA = await pageA.evaluate( () => window.__nnj.scene.cameraView() );
	assert.ok( Math.abs( viewA.orbit.yaw ) > 5, `A turned the network (${JSON.stringify( viewA.orbit )})` );
	await waitFor( pageB, ( v ) => {
		const mine = window.__nnj.scene.cameraView().orbit;
		return Math.abs( mine.yaw - v.yaw ) < 0.5 && Math.abs( mine.pitch - v.pitch ) < 0.5 && Math.abs( mine.zoom - v.zoom ) < 0.02;
	}, viewA.orbit, 10000 );
	// C, a landscape page, takes A's camera exactly.
	await waitFor( pageC, ( v ) => {
		const mine = window.__nnj.scene.cameraView();
		const near = ( a, b ) => a.every( ( x, k ) => Math.abs( x - b[ k ] ) < 0.02 * Math.max( 1, Math.abs( b[ k ] ) ) );
		return near( mine.position, v.position ) && near( mine.target, v.target );
	}, viewA, 10000 );
	// A picks a neuron of the first hidden layer.
	const at = await pageA.evaluate( () => {
		const p = window.__nnj.scene.neuronClientPosition( 1, 5 );
		return p;
	} );
	await pageA.mouse.click( at.x, at.y );
	const picked = await pageA.evaluate( () => window.__nnj.scene.selection );
	assert.ok( picked, 'A picked a neuron' );
	await waitFor( pageB, ( s ) => window.__nnj.scene.selection?.layer === s.layer && window.__nnj.scene.selection?.index === s.index, picked, 10000 );
	assert.equal( await pageB.locator( '#inspector' ).isVisible(), true, 'B\'s inspector shows the same neuron' );
	await pageB.waitForTimeout( 700 );
	await shot( pageB, 'phone-following', { fullPage: false } );
	await waitFor( pageC, ( s ) => window.__nnj.scene.selection?.index === s.index, picked, 10000 );
	await pageC.waitForTimeout( 700 );
	await shot( pageC, 'desktop-following' );
	// The desktop presenter's camera comes in its own frame: the page follows its orbit from home.
	await pageA.evaluate( () => new Promise( ( resolve, reject ) => {
		const url = new URL( '/ws', location.href );
		url.protocol = 'ws:';
		url.search = `?token=${encodeURIComponent( sessionStorage.getItem( 'nnj-token' ) )}`;
		const socket = new WebSocket( url );
		socket.onerror = reject;
		socket.onopen = () => {
			socket.send( JSON.stringify( { type: 'presenter_view', camera: { frame: 'window', position: [ 0, 3, 20 ], target: [ 0, 0, - 4 ],
				orbit: { yaw: 25, pitch: - 10, zoom: 1.25 } }, selected: null, view: 'network' } ) );
			setTimeout( () => {
				socket.close();
				resolve();
			}, 300 );
		};
	} ) );
	await waitFor( pageB, () => {
		const o = window.__nnj.scene.cameraView().orbit;
		return Math.abs( o.yaw - 25 ) < 0.5 && Math.abs( o.pitch + 10 ) < 0.5 && Math.abs( o.zoom - 1.25 ) < 0.02;
	}, null, 10000 );
	assert.equal( await pageB.evaluate( () => window.__nnj.scene.selection ), null, 'the selection follows too' );

	// B turns the camera itself: it breaks away and stays where it is when A moves.
	const boxB = await pageB.getByTestId( 'network-canvas' ).boundingBox();
	await pageB.mouse.move( boxB.x + boxB.width * 0.5, boxB.y + boxB.height * 0.3 );
	await pageB.mouse.down();
	await pageB.mouse.move( boxB.x + boxB.width * 0.7, boxB.y + boxB.height * 0.4, { steps: 8 } );
	await pageB.mouse.up();
	await waitFor( pageB, () => window.__nnj.follow.following === false );
	assert.match( await pageB.getByTestId( 'follow-pill' ).textContent(), /on your own/ );
	const ownB = await pageB.evaluate( () => window.__nnj.scene.cameraView() );
	await pageA.getByRole( 'button', { name: 'Fit the network in view' } ).click();
	await pageA.waitForTimeout( 800 );
	assert.ok( close( ( await pageB.evaluate( () => window.__nnj.scene.cameraView() ) ).position, ownB.position, 1e-6 ), 'B stayed' );
	await shot( pageB, 'phone-broke-away' );
	// One click: back to A's view.
	await pageB.getByTestId( 'follow-toggle' ).click();
	const fitted = await pageA.evaluate( () => window.__nnj.scene.cameraView().orbit );
	await waitFor( pageB, ( v ) => {
		const mine = window.__nnj.scene.cameraView().orbit;
		return Math.abs( mine.yaw - v.yaw ) < 0.5 && Math.abs( mine.pitch - v.pitch ) < 0.5 && Math.abs( mine.zoom - v.zoom ) < 0.02;
	}, fitted, 10000 );
	assert.equal( await pageB.evaluate( () => window.__nnj.follow.following ), true );
} );

test( 'the phone draws for the class: the presenter\'s gallery shows the server\'s prediction; the rate limit is explained', { skip: skip || false }, async () => {
	// Some training first, so the prediction means something (and the network can light up).
	await api( server, 'POST', '/set-speed?mode=fast' );
	await api( server, 'POST', '/start-training' );
	await waitFor( pageA, () => window.__nnj.state.epochResults.length >= 1, null, 240000 );
	await api( server, 'POST', '/stop-training' );
	await waitFor( pageA, () => ! window.__nnj.state.training, null, 30000 );

	const pad = pageB.getByTestId( 'class-pad-canvas' );
	await pad.scrollIntoViewIfNeeded();
	let box = await pad.boundingBox();
	// A "7": the top bar, then the stroke down.
	const p = ( x, y ) => [ box.x + box.width * x, box.y + box.height * y ];
	await pageB.mouse.move( ...p( 0.3, 0.25 ) );
	await pageB.mouse.down();
	await pageB.mouse.move( ...p( 0.7, 0.25 ), { steps: 10 } );
	await pageB.mouse.move( ...p( 0.45, 0.8 ), { steps: 14 } );
	await pageB.mouse.up();
	// The photo waits for the journey's toasts (an epoch just ended) to go.
	await waitFor( pageB, () => ! document.querySelector( '.toast' ), null, 10000 ).catch( () => {} );
	await shot( pageB, 'phone-drawing', { fullPage: false } );
	await pageB.getByTestId( 'class-pad-submit' ).click();
	await waitFor( pageA, () => window.__nnj.room.gallery.size === 1, null, 10000 );
	const item = await pageA.evaluate( () => [ ...window.__nnj.room.gallery.values() ][ 0 ] );
	assert.equal( item.name, 'Ada Lovelace' );
	const truth = await api( server, 'POST', '/predict', { pixels: item.pixels } );
	assert.equal( item.prediction, truth.data.digit, 'the gallery shows the shared network\'s answer' );
	const shownDigit = await pageA.locator( '[data-testid=gallery-item] .gallery-guess b' ).first().textContent();
	assert.equal( shownDigit, String( truth.data.digit ) );
	const confidence = await pageA.locator( '[data-testid=gallery-item] .gallery-confidence' ).first().textContent();
	assert.equal( confidence, `${( truth.data.probabilities[ truth.data.digit ] * 100 ).toFixed( 0 )}%` );
	assert.ok( item.pixels.some( ( v ) => v > 0.5 ), 'the 28×28 the network saw has ink' );
	await waitFor( pageB, () => window.__nnj.room.gallery.size === 1 );
	// Three at once, then one per 5 s: quick submissions soon meet a refusal, said in words.
	const refusedToast = () => pageB.evaluate( () => [ ...document.querySelectorAll( '.toast' ) ].some( ( t ) => /Easy there/.test( t.textContent ) ) );
	let tries = 0;
	for ( ; tries < 6 && ! await refusedToast(); ++ tries ) {
		box = await pad.boundingBox(); // clicking Send may have scrolled the page
		await pageB.mouse.move( ...p( 0.5, 0.2 ) );
		await pageB.mouse.down();
		await pageB.mouse.move( ...p( 0.5 + 0.05 * tries, 0.8 ), { steps: 3 } );
		await pageB.mouse.up();
		await pageB.waitForTimeout( 50 );
		await pageB.getByTestId( 'class-pad-submit' ).click();
		await pageB.waitForTimeout( 150 );
	}
	await waitFor( pageB, () => [ ...document.querySelectorAll( '.toast' ) ].some( ( t ) => /Easy there/.test( t.textContent ) ), null, 10000 );
	assert.ok( tries >= 3, `refused after ${tries} more` );
	assert.match( await pageB.getByTestId( 'class-pad-submit' ).textContent(), /^Wait \d+ s$/ );
	assert.equal( await pageB.getByTestId( 'class-pad-submit' ).isDisabled(), true );
	await pageB.waitForTimeout( 500 );
	const accepted = await pageB.evaluate( () => window.__nnj.room.gallery.size );
	assert.ok( accepted >= 3 && accepted < 1 + tries, `${accepted} of ${1 + tries} accepted` );
	await waitFor( pageA, ( n ) => window.__nnj.room.gallery.size === n, accepted, 10000 );
	await pageB.waitForTimeout( 300 );
	await shot( pageB, 'phone-rate-limited', { fullPage: false } );
	// Grace sends one from the desktop drawing panel.
	await pageC.getByTestId( 'open-drawing' ).click();
	const padC = await pageC.getByTestId( 'drawing-canvas' ).boundingBox();
	await pageC.mouse.move( padC.x + padC.width * 0.35, padC.y + padC.height * 0.3 );
	await pageC.mouse.down();
	for ( let k = 0; k <= 24; ++ k ) {
		const a = k / 24 * 2 * Math.PI;
		await pageC.mouse.move( padC.x + padC.width * ( 0.5 + 0.2 * Math.sin( a ) ), padC.y + padC.height * ( 0.5 - 0.28 * Math.cos( a ) ) );
	}
	await pageC.mouse.up();
	await pageC.waitForTimeout( 100 );
	await pageC.getByTestId( 'send-drawing' ).click();
	await waitFor( pageA, ( n ) => window.__nnj.room.gallery.size === n + 1, accepted, 10000 );
	await pageA.locator( '#gallery-card' ).scrollIntoViewIfNeeded();
	await pageA.waitForTimeout( 300 );
	await shot( pageA, 'desktop-gallery' );
	await waitFor( pageB, ( n ) => window.__nnj.room.gallery.size === n + 1, accepted, 10000 );
	await pageB.locator( '#gallery-card' ).scrollIntoViewIfNeeded();
	await pageB.waitForTimeout( 300 );
	await shot( pageB, 'phone-gallery' );
} );

test( 'the presenter shows a drawing in everyone\'s network, hides one and clears the gallery', { skip: skip || false }, async () => {
	// A opens a learning view (there is data and a network now): B opens it too; A closes it: so does B.
	await pageA.getByTestId( 'learning-open' ).click();
	await waitFor( pageB, () => window.__nnj.learning.visible && window.__nnj.learning.view === 'features', null, 10000 );
	await pageA.locator( '#tab-histograms' ).click();
	await waitFor( pageB, () => window.__nnj.learning.visible && window.__nnj.learning.view === 'histograms', null, 10000 );
	await pageA.locator( '#learning-close' ).click();
	await waitFor( pageB, () => ! window.__nnj.learning.visible, null, 10000 );

	const first = await pageA.evaluate( () => [ ...window.__nnj.room.gallery.values() ][ 0 ] );
	await pageA.locator( `[data-testid=gallery-item][data-id="${first.id}"] button[data-action=show]` ).click();
	// B's network lights up with it: B's input is exactly those 784 values.
	await waitFor( pageB, ( id ) => window.__nnj.room.shownId === id, first.id, 10000 );
	await waitFor( pageB, ( pixels ) => {
		const input = window.__nnj.drawingInput();
		return input.every( ( v, k ) => Math.abs( v - pixels[ k ] ) < 1e-6 );
	}, first.pixels, 10000 );
	await waitFor( pageA, () => document.querySelector( '.gallery-item.shown' ) !== null );
	await pageA.waitForTimeout( 1200 ); // the forward-pass sweep
	await shot( pageA, 'desktop-gallery-shown' );
	const before = await pageA.evaluate( () => window.__nnj.room.gallery.size );
	await pageA.locator( `[data-testid=gallery-item][data-id="${first.id}"] button[data-action=hide]` ).click();
	await waitFor( pageB, ( n ) => window.__nnj.room.gallery.size === n - 1, before, 10000 );
	assert.equal( await pageB.locator( `[data-testid=gallery-item][data-id="${first.id}"]` ).count(), 0 );
} );

test( 'the presenter hands the controls to the phone and takes them back', { skip: skip || false }, async () => {
	assert.equal( await pageB.getByTestId( 'play-pause' ).isDisabled(), true );
	const adaId = await pageB.evaluate( () => window.__nnj.room.selfId );
	await pageA.locator( `[data-testid=participant][data-client="${adaId}"] button[data-action=grant]` ).click();
	await waitFor( pageB, () => ! document.querySelector( '[data-testid=play-pause]' ).disabled, null, 10000 );
	assert.equal( await pageB.getByTestId( 'driver-badge' ).textContent(), 'You drive' );
	await waitFor( pageA, () => document.querySelector( '[data-testid=driver-badge]' ).textContent === 'Ada Lovelace drives' );
	await waitFor( pageC, () => document.querySelector( '[data-testid=driver-badge]' ).textContent === 'Ada Lovelace drives' );
	await pageA.locator( '#class-card' ).scrollIntoViewIfNeeded();
	await shot( pageA, 'desktop-participants' );
	// B's Train goes over HTTP with its driver key.
	const headers = [];
	pageB.on( 'request', ( request ) => {
		if ( request.url().endsWith( '/start-training' ) ) headers.push( request.headers() );
	} );
	await pageB.getByTestId( 'play-pause' ).scrollIntoViewIfNeeded();
	await pageB.getByTestId( 'play-pause' ).click();
	await waitFor( pageA, () => window.__nnj.state.training, null, 30000 );
	const key = await pageB.evaluate( () => window.__nnj.api.driverKey );
	assert.ok( key );
	assert.equal( headers[ 0 ]?.[ 'x-nnj-driver' ], key );
	assert.equal( headers[ 0 ]?.authorization, undefined, 'no token on the phone' );
	await pageB.locator( '#controls-title' ).scrollIntoViewIfNeeded();
	await shot( pageB, 'phone-driving' );
	await pageB.locator( '#stop-button' ).click();
	await waitFor( pageA, () => ! window.__nnj.state.training, null, 30000 );
	// A takes the controls back: B's are off, its old key is refused.
	await pageA.locator( `[data-testid=participant][data-client="${adaId}"] button[data-action=revoke]` ).click();
	await waitFor( pageB, () => document.querySelector( '[data-testid=play-pause]' ).disabled, null, 10000 );
	assert.equal( await pageB.evaluate( () => window.__nnj.api.driverKey ), null );
	const refused = await fetch( new URL( '/start-training', lanUrl ), { method: 'POST', headers: { 'X-NNJ-Driver': key } } );
	assert.equal( refused.status, 403 );
	assert.equal( await pageB.getByTestId( 'driver-badge' ).textContent(), 'The presenter drives' );
} );

test( 'the invite dialog shows the students\' link and its QR code; the presenter link only on request', { skip: skip || false }, async () => {
	await pageA.getByTestId( 'invite-open' ).click();
	await pageA.getByTestId( 'invite-dialog' ).waitFor( { state: 'visible' } );
	// The server's LAN address for students (its first; this machine may have several), no token.
	const students = await pageA.getByTestId( 'invite-students-url' ).inputValue();
	assert.equal( students, await pageA.evaluate( () => window.__nnj.room.lanUrl ) );
	assert.match( students, new RegExp( `^http://\\d+\\.\\d+\\.\\d+\\.\\d+:${server.port}/$` ) );
	assert.doesNotMatch( students, /^http:\/\/127\./ );
	await waitFor( pageA, () => Number( document.querySelector( '[data-testid=invite-qr]' ).dataset.modules ) >= 21, null, 10000 );
	assert.equal( await pageA.getByTestId( 'invite-presenter-url' ).isVisible(), false );
	await pageA.waitForTimeout( 200 );
	await shot( pageA, 'desktop-invite' );
	await pageA.getByTestId( 'invite-presenter-toggle' ).click();
	const presenterUrl = await pageA.getByTestId( 'invite-presenter-url' ).inputValue();
	assert.match( presenterUrl, new RegExp( `^http://\\d+\\.\\d+\\.\\d+\\.\\d+:${server.port}/\\?token=${TOKEN}$` ) );
	await pageA.locator( '#invite-close' ).click();
	// Clear all (after the confirmation).
	pageA.once( 'dialog', ( dialog ) => dialog.accept() );
	await pageA.getByTestId( 'gallery-clear' ).click();
	await waitFor( pageB, () => window.__nnj.room.gallery.size === 0, null, 10000 );
} );

test( 'no page logged an error', { skip: skip || false }, () => {
	for ( const b of [ A, B, C ] ) {
		assert.deepEqual( b.log.pageErrors, [] );
		assert.deepEqual( b.log.consoleErrors, [] );
	}
} );
