// The web page's screenshots for the documentation, taken on a real nnjourney-server (fresh,
// idle, on loopback so the page drives it) with headless Chromium: a learner's first run, a drawn
// digit, the learning views, two experiments that go wrong, the page on a phone, and the classroom
// (the presenter, a phone and a laptop on the server's LAN address).
// Usage: node scripts/screenshots.d/web.mjs <url> <raw-dir> <students-url>
//   <url>: the server on loopback (it drives); <students-url>: its LAN address (viewers).
// Writes <raw-dir>/web-*.png and <raw-dir>/web-numbers.json (what the page showed, for the docs).
// NNJ_WEB_TEST_MODULES must name the folder whose node_modules hold playwright-core.
import { writeFileSync } from 'node:fs';
import { launchBrowser, drawStrokes } from '../../tests/web/lib/browser.mjs';

const [ url, out, lanUrl ] = process.argv.slice( 2 );
if ( ! url || ! out ) {
	console.error( 'usage: node scripts/screenshots.d/web.mjs <url> <raw-dir> <students-url>' );
	process.exit( 2 );
}
const post = async ( path, body ) => {
	const response = await fetch( new URL( path, url ), { method: 'POST', headers: body ? { 'Content-Type': 'application/json' } : {},
		body: body ? JSON.stringify( body ) : undefined } );
	const answer = await response.json();
	if ( ! response.ok || answer.status === 'error' ) throw new Error( `${path}: ${JSON.stringify( answer )}` );
	return answer;
};
const numbers = {};
const note = ( key, value ) => {
	numbers[ key ] = value;
	console.log( `# ${key}: ${JSON.stringify( value )}` );
};
const wait = ( page, fn, arg = null, timeout = 120000 ) => page.waitForFunction( fn, arg, { timeout, polling: 100 } );
// Journey and achievement toasts (4.5 s each) would cover the view: wait until they are gone.
const TOASTS_GONE = 5000;
const shot = async ( page, name, options = {} ) => {
	await page.waitForTimeout( options.settle ?? 600 );
	await page.screenshot( { path: `${out}/${name}.png`, fullPage: options.fullPage ?? false } );
	console.log( `saved ${out}/${name}.png` );
};
const verdictOf = ( page ) => page.evaluate( () => ( { title: document.getElementById( 'verdict-title' ).textContent,
	detail: document.getElementById( 'verdict-detail' ).textContent } ) );
const cardOf = ( page ) => page.evaluate( () => ( { reason: window.__nnj.state.pause?.reason,
	text: document.getElementById( 'teaching' ).innerText.replace( /\s+/g, ' ' ).slice( 0, 600 ) } ) );
// A teaching card: held (paused) while it is photographed, as a teacher holds it, then resumed.
// Cards go on by themselves after a few seconds, too soon on a loaded machine to click Continue.
async function card( page, reasons, name, key, timeout = 120000 ) {
	await wait( page, ( wanted ) => wanted.includes( window.__nnj.state.pause?.reason ), reasons, timeout );
	await post( '/pause-training' );
	note( key, await cardOf( page ) );
	await shot( page, name, { settle: TOASTS_GONE } );
	await post( '/resume-training' );
}
const runEnded = ( page ) => wait( page, () => ! window.__nnj.state.training && window.__nnj.state.verdict
	&& ! document.getElementById( 'verdict' ).hidden, null, 300000 );

// Strokes in pad coordinates (0..1), as a person draws them.
const STROKES = {
	3: [ [ [ 0.3, 0.22 ], [ 0.5, 0.15 ], [ 0.68, 0.25 ], [ 0.6, 0.42 ], [ 0.45, 0.48 ], [ 0.65, 0.56 ], [ 0.7, 0.72 ], [ 0.52, 0.85 ], [ 0.3, 0.8 ] ] ],
	7: [ [ [ 0.25, 0.2 ], [ 0.72, 0.2 ], [ 0.45, 0.85 ] ] ],
};
async function predict( page ) {
	await page.getByTestId( 'predict-button' ).click();
	await wait( page, () => document.querySelector( '[data-testid=prediction-result]' ).dataset.digit !== '' );
	return page.getByTestId( 'prediction-result' ).innerText();
}

const desktop = await launchBrowser( { viewport: { width: 1280, height: 800 }, onboarded: false } );
const page = await desktop.newPage();
await page.goto( url );
await wait( page, () => window.__nnj?.journey() !== null && window.__nnj.state?.settings );

// 1. The first visit: the tour, then the untrained network.
await wait( page, () => ! document.querySelector( '[data-testid=onboarding]' )?.hidden );
await shot( page, 'web-onboarding', { settle: 1200 } );
await page.getByTestId( 'onboarding-skip' ).click();

// 2. The first run, as the tutorial tells it: Train with teaching mode on (the default), Normal speed.
await page.getByTestId( 'play-pause' ).click();
await card( page, [ 'first_forward' ], 'web-card-first-forward', 'card_first_forward' );
await card( page, [ 'first_backward' ], 'web-card-first-backward', 'card_first_backward' );
// The other mid-epoch cards would stop the run every few seconds; the tutorial meets them later.
await post( '/set-teaching-moments?high_loss=off&confident_mistake=off&dead_units=off&plateau=off' );
await wait( page, () => window.__nnj.state.stats?.batch > 500 && ! window.__nnj.state.pause );
await shot( page, 'web-training' );
await card( page, [ 'epoch_end' ], 'web-card-epoch-end', 'card_epoch_end', 300000 );
await post( '/set-speed?mode=fast' );
await runEnded( page );
note( 'verdict_default_run', await verdictOf( page ) );
await shot( page, 'web-verdict', { settle: 1000 } );

// 3. A drawn digit.
await page.getByTestId( 'open-drawing' ).click();
await drawStrokes( page, STROKES[ 3 ] );
note( 'drawn_3', await predict( page ) );
await shot( page, 'web-drawing', { settle: TOASTS_GONE } );
await page.locator( '#draw-close' ).click();

// 4. A neuron of the first hidden layer, inspected.
const at = await page.evaluate( () => window.__nnj.scene.neuronClientPosition( 1, 5 ) );
await page.mouse.click( at.x, at.y );
await wait( page, () => ! document.getElementById( 'inspector' ).hidden );
await shot( page, 'web-inspector' );
await page.locator( '#inspector-close' ).click();

// 5. The learning views.
await page.getByTestId( 'learning-open' ).click();
await wait( page, () => document.querySelectorAll( '#features-grid .tile' ).length > 0 );
await shot( page, 'web-features', { settle: TOASTS_GONE } );
await page.locator( '#tab-histograms' ).click();
await wait( page, () => document.querySelectorAll( '#hist-layers .hist-layer' ).length > 0 );
await shot( page, 'web-histograms', { settle: 1000 } );
const cell = await page.evaluate( () => {
	let best = [ 4, 9, - 1 ];
	window.__nnj.state.confusion.forEach( ( row, t ) => row.forEach( ( n, p ) => {
		if ( t !== p && n > best[ 2 ] ) best = [ t, p, n ];
	} ) );
	return best;
} );
note( 'most_common_mistake', { true: cell[ 0 ], predicted: cell[ 1 ], count: cell[ 2 ] } );
await page.locator( `#confusion td[data-true="${cell[ 0 ]}"][data-predicted="${cell[ 1 ]}"]` ).click();
await wait( page, () => document.querySelectorAll( '#mistakes-grid .image-item' ).length > 0 );
await shot( page, 'web-mistakes', { settle: 1000 } );
await page.locator( '#tab-compare' ).click();
await wait( page, () => document.querySelectorAll( '#compare-table tbody tr' ).length === 3 );
note( 'trained_vs_untrained', await page.locator( '#compare-table' ).innerText() );
await shot( page, 'web-compare', { settle: 1000 } );
await page.locator( '#tab-landscape' ).click();
await page.locator( '#landscape-start' ).click();
await wait( page, () => window.__nnj.learning.landscapeSummary, null, 300000 );
await shot( page, 'web-landscape', { settle: TOASTS_GONE } );
await page.getByTestId( 'learning-open' ).click();

// 6. Experiments that go wrong. Learning rate 1 (the slider's top): the loss only bounces around, or blows up.
await post( '/set-teaching-moments?epoch_end=off&first_forward=off&first_backward=off&divergence=on&plateau=on' );
await page.locator( '#lr-slider' ).fill( '0' );
await wait( page, () => window.__nnj.state.settings.learning_rate === 1 );
await page.getByTestId( 'play-pause' ).click();
await card( page, [ 'divergence', 'plateau' ], 'web-card-lr-1', 'card_lr_1' );
await post( '/set-teaching-mode?enabled=false' );
await runEnded( page );
note( 'verdict_lr_1', await verdictOf( page ) );
await shot( page, 'web-verdict-diverged', { settle: 1000 } );

// Sigmoid with a tiny learning rate: stuck.
await post( '/set-architecture', { layers: [ 784, 128, 64, 10 ], activations: [ 'sigmoid', 'sigmoid' ] } );
await page.locator( '#lr-slider' ).fill( '-4' );
await wait( page, () => Math.abs( window.__nnj.state.settings.learning_rate - 1e-4 ) < 1e-9 );
await page.getByTestId( 'play-pause' ).click();
await wait( page, () => window.__nnj.state.training );
await runEnded( page );
note( 'verdict_sigmoid_lr_0.0001', await verdictOf( page ) );
await shot( page, 'web-verdict-stuck', { settle: 1000 } );

// Back to the default network, trained, for the phone.
await post( '/set-architecture', { layers: [ 784, 128, 64, 10 ], activations: [ 'relu', 'relu' ] } );
await page.locator( '#lr-slider' ).fill( '-2' );
await wait( page, () => Math.abs( window.__nnj.state.settings.learning_rate - 0.01 ) < 1e-9 );
await page.getByTestId( 'play-pause' ).click();
await wait( page, () => window.__nnj.state.training );
await runEnded( page );
note( 'verdict_default_fast', await verdictOf( page ) );
const errors = desktop.log.consoleErrors.concat( desktop.log.pageErrors );
await desktop.close();

// 7. The page on a phone, as a student sees it (through the LAN address: a viewer).
const phone = await launchBrowser( { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 } );
const small = await phone.newPage();
await small.goto( lanUrl ?? url );
await wait( small, () => window.__nnj?.state?.settings && window.__nnj.weights?.model );
await shot( small, 'web-phone', { settle: 1500 } );
await small.getByTestId( 'open-drawing' ).click();
await drawStrokes( small, STROKES[ 7 ] );
note( 'phone_drawn_7', await predict( small ) );
await shot( small, 'web-phone-drawing', { settle: TOASTS_GONE } );
errors.push( ...phone.log.consoleErrors, ...phone.log.pageErrors );
await phone.close();

// 8. The classroom: the presenter (this machine, loopback) invites the class; Ada joins on a phone
// through the LAN address and names herself, Bob on a laptop raises his hand and follows the
// presenter's view; Ada gets the controls, draws for the class; the presenter shows a drawing.
if ( ! lanUrl ) throw new Error( 'no LAN address: the classroom pictures need the server\'s "Students join at" link' );
const ready = ( p ) => wait( p, () => document.querySelector( '[data-testid=connection-status]' )?.dataset.state === 'connected'
	&& window.__nnj?.state.snapshotReceived && window.__nnj.room.selfId && window.__nnj.weights?.model, null, 30000 );
const teacher = await launchBrowser( { viewport: { width: 1280, height: 800 } } );
const lead = await teacher.newPage();
await lead.goto( url );
await lead.evaluate( () => localStorage.setItem( 'nnj.name.v1', 'Teacher' ) );
await lead.reload();
await ready( lead );
await lead.getByTestId( 'invite-open' ).click();
await lead.getByTestId( 'invite-dialog' ).waitFor( { state: 'visible' } );
await wait( lead, () => Number( document.querySelector( '[data-testid=invite-qr]' ).dataset.modules ) >= 21, null, 10000 );
note( 'invite_students_url', await lead.getByTestId( 'invite-students-url' ).inputValue() );
await shot( lead, 'web-invite' );
await lead.locator( '#invite-close' ).click();

const adaPhone = await launchBrowser( { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2, askName: true } );
const ada = await adaPhone.newPage();
await ada.goto( lanUrl );
await ready( ada );
await ada.getByTestId( 'name-prompt' ).waitFor( { state: 'visible' } );
await ada.getByTestId( 'name-input' ).fill( 'Ada' );
await shot( ada, 'web-class-name' );
await ada.getByTestId( 'name-join' ).click();
const bobLaptop = await launchBrowser( { viewport: { width: 1280, height: 800 } } );
const bob = await bobLaptop.newPage();
await bob.goto( lanUrl );
await bob.evaluate( () => localStorage.setItem( 'nnj.name.v1', 'Bob' ) );
await bob.reload();
await ready( bob );
await bob.getByTestId( 'raise-hand' ).click();
await wait( lead, () => window.__nnj.room.participants.some( ( p ) => p.name === 'Bob' && p.hand_raised )
	&& window.__nnj.room.participants.some( ( p ) => p.name === 'Ada' ), null, 10000 );

// The presenter picks a neuron: Bob's page follows (the pill says so).
const neuron = await lead.evaluate( () => window.__nnj.scene.neuronClientPosition( 1, 5 ) );
await lead.mouse.click( neuron.x, neuron.y );
await wait( bob, () => window.__nnj.scene.selection?.layer === 1 && ! document.getElementById( 'inspector' ).hidden, null, 10000 );
await shot( bob, 'web-following', { settle: TOASTS_GONE } );
await lead.locator( '#inspector-close' ).click();

// Ada gets the controls; the Class card shows the driver and Bob's hand.
const adaId = await ada.evaluate( () => window.__nnj.room.selfId );
await lead.locator( `[data-testid=participant][data-client="${adaId}"] button[data-action=grant]` ).click();
await wait( lead, () => document.querySelector( '[data-testid=driver-badge]' ).textContent === 'Ada drives', null, 10000 );
await lead.locator( '#class-card' ).scrollIntoViewIfNeeded();
await shot( lead, 'web-participants', { settle: TOASTS_GONE } );

// Ada draws a 7 on the class pad and sends it; Bob sends a 3 from his drawing panel.
const pad = ada.getByTestId( 'class-pad-canvas' );
await ada.evaluate( () => document.getElementById( 'class-pad-card' ).scrollIntoView( { block: 'center' } ) );
await ada.waitForTimeout( 300 );
const padBox = await pad.boundingBox();
const onPad = ( [ x, y ] ) => [ padBox.x + x * padBox.width, padBox.y + y * padBox.height ];
for ( const stroke of STROKES[ 7 ] ) {
	await ada.mouse.move( ...onPad( stroke[ 0 ] ) );
	await ada.mouse.down();
	for ( let i = 1; i < stroke.length; ++ i ) await ada.mouse.move( ...onPad( stroke[ i ] ), { steps: 10 } );
	await ada.mouse.up();
}
await wait( ada, () => ! document.querySelector( '.toast' ), null, 10000 ).catch( () => {} );
await shot( ada, 'web-class-pad' );
await ada.getByTestId( 'class-pad-submit' ).click();
await wait( lead, () => window.__nnj.room.gallery.size === 1, null, 10000 );
await bob.getByTestId( 'open-drawing' ).click();
await drawStrokes( bob, STROKES[ 3 ] );
await bob.getByTestId( 'send-drawing' ).click();
await wait( lead, () => window.__nnj.room.gallery.size === 2, null, 10000 );
note( 'class_gallery', await lead.evaluate( () => [ ...window.__nnj.room.gallery.values() ]
	.map( ( item ) => ( { name: item.name, prediction: item.prediction } ) ) ) );
// The presenter shows Ada's 7 in everyone's network.
const first = await lead.evaluate( () => [ ...window.__nnj.room.gallery.values() ][ 0 ].id );
await lead.locator( `[data-testid=gallery-item][data-id="${first}"] button[data-action=show]` ).click();
await wait( lead, () => document.querySelector( '.gallery-item.shown' ) !== null, null, 10000 );
await lead.locator( '#gallery-card' ).scrollIntoViewIfNeeded();
// Its toasts (the drawing shown, a journey step) would cover the view: wait until they are gone.
await wait( lead, () => ! document.querySelector( '.toast' ), null, 15000 ).catch( () => {} );
await shot( lead, 'web-class-gallery', { settle: 1000 } );
for ( const b of [ teacher, adaPhone, bobLaptop ] ) {
	errors.push( ...b.log.consoleErrors, ...b.log.pageErrors );
	await b.close();
}

writeFileSync( `${out}/web-numbers.json`, `${JSON.stringify( numbers, null, '\t' )}\n` );
if ( errors.length ) console.log( `page errors: ${JSON.stringify( errors )}` );
