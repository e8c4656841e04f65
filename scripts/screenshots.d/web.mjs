// The web page's screenshots for the documentation, taken on a real nnjourney-server (fresh,
// idle, on loopback so the page drives it) with headless Chromium: a learner's first run, a drawn
// digit, the learning views, two experiments that go wrong, and the page on a phone.
// Usage: node scripts/screenshots.d/web.mjs <url> <raw-dir>
// Writes <raw-dir>/web-*.png and <raw-dir>/web-numbers.json (what the page showed, for the docs).
// NNJ_WEB_TEST_MODULES must name the folder whose node_modules hold playwright-core.
import { writeFileSync } from 'node:fs';
import { launchBrowser } from '../../tests/web/lib/browser.mjs';

const [ url, out ] = process.argv.slice( 2 );
if ( ! url || ! out ) {
	console.error( 'usage: node scripts/screenshots.d/web.mjs <url> <raw-dir>' );
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
async function draw( page, strokes ) {
	const box = await page.getByTestId( 'drawing-canvas' ).boundingBox();
	for ( const stroke of strokes ) {
		const at = ( [ x, y ] ) => [ box.x + x * box.width, box.y + y * box.height ];
		await page.mouse.move( ...at( stroke[ 0 ] ) );
		await page.mouse.down();
		for ( let i = 1; i < stroke.length; ++ i ) await page.mouse.move( ...at( stroke[ i ] ), { steps: 8 } );
		await page.mouse.up();
	}
}
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
await draw( page, STROKES[ 3 ] );
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

// 7. The page on a phone, as a student sees it.
const phone = await launchBrowser( { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 } );
const small = await phone.newPage();
await small.goto( url );
await wait( small, () => window.__nnj?.state?.settings && window.__nnj.weights?.model );
await shot( small, 'web-phone', { settle: 1500 } );
await small.getByTestId( 'open-drawing' ).click();
await draw( small, STROKES[ 7 ] );
note( 'phone_drawn_7', await predict( small ) );
await shot( small, 'web-phone-drawing', { settle: TOASTS_GONE } );
errors.push( ...phone.log.consoleErrors, ...phone.log.pageErrors );
await phone.close();

// Classroom states (participants, the invite QR, a student driving, the class gallery) go here,
// after the page has them: one block per state, each a shot() named in images.txt.

writeFileSync( `${out}/web-numbers.json`, `${JSON.stringify( numbers, null, '\t' )}\n` );
if ( errors.length ) console.log( `page errors: ${JSON.stringify( errors )}` );
