// DEVELOPMENT ONLY: screenshots of the journey on a real, running nnjourney-server (idle, on
// loopback so the page controls it) at 1400×900 and 390×844: the tour, the journey path, the
// glossary, a narration caption, and two teaching cards the run really meets (a divergence or a
// plateau at learning rate 5, the first epoch's end). It drives the server: run it on a scratch server.
// Usage: node tests/web/dev/journey-shots.mjs <url> <out-dir>
import { launchBrowser } from '../lib/browser.mjs';

const [ url, out ] = process.argv.slice( 2 );
const post = ( path, body ) => fetch( new URL( path, url ), { method: 'POST', headers: body ? { 'Content-Type': 'application/json' } : {},
	body: body ? JSON.stringify( body ) : undefined } ).then( ( r ) => r.json() );
const sizes = [ [ 'desktop', { viewport: { width: 1400, height: 900 } } ],
	[ 'phone', { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 } ] ];
const pages = [];
for ( const [ name, options ] of sizes ) {
	const browser = await launchBrowser( { ...options, onboarded: false } );
	const page = await browser.newPage();
	await page.goto( url );
	await page.waitForFunction( () => window.__nnj?.journey() !== null, null, { timeout: 20000 } );
	await page.waitForTimeout( 800 );
	await page.screenshot( { path: `${out}/${name}-onboarding.png` } );
	await page.keyboard.press( 'Escape' );
	pages.push( { name, page, browser } );
}
const wait = ( page, fn, timeout = 60000 ) => page.waitForFunction( fn, null, { timeout, polling: 100 } );
const each = async ( fn ) => {
	for ( const p of pages ) await fn( p );
};

// Learning rate 5: a divergence or a plateau.
await post( '/set-teaching-mode?enabled=true' );
await post( '/set-teaching-moments?first_forward=off&first_backward=off&high_loss=off&confident_mistake=off&dead_units=off&epoch_end=off' );
await post( '/set-learning-rate?lr=5' );
await post( '/set-speed?mode=fast' );
await post( '/start-training' );
await each( ( { page } ) => wait( page, () => [ 'divergence', 'plateau' ].includes( window.__nnj.state.pause?.reason ) ) );
await post( '/pause-training' );
await each( async ( { name, page } ) => {
	await page.waitForTimeout( 500 );
	await page.screenshot( { path: `${out}/${name}-card-lr5-${await page.evaluate( () => window.__nnj.state.pause?.reason )}.png` } );
} );
await post( '/stop-training' );
await each( ( { page } ) => wait( page, () => ! window.__nnj.state.training ) );
await post( '/set-architecture', { layers: [ 784, 128, 64, 10 ] } ); // fresh weights after the lr 5 run

// Narration captions, then the first epoch's end as a card.
await post( '/set-teaching-moments?epoch_end=on&divergence=off&plateau=off' );
await post( '/set-teaching-mode?enabled=false' );
await post( '/set-learning-rate?lr=0.05' );
await post( '/set-speed?mode=narrated' );
await post( '/start-training' );
await each( ( { page } ) => wait( page, () => ! document.getElementById( 'caption' ).hidden, 30000 ) );
await each( async ( { name, page } ) => page.screenshot( { path: `${out}/${name}-caption.png` } ) );
await post( '/set-teaching-mode?enabled=true' );
await post( '/set-speed?mode=fast' );
await each( ( { page } ) => wait( page, () => window.__nnj.state.pause?.reason === 'epoch_end', 120000 ) );
await post( '/pause-training' );
await each( async ( { name, page } ) => {
	await page.waitForTimeout( 500 );
	await page.screenshot( { path: `${out}/${name}-card-epoch-end.png` } );
} );
await post( '/resume-training' );
await each( ( { page } ) => wait( page, () => ! window.__nnj.state.training && window.__nnj.state.verdict, 120000 ) );
await each( async ( { name, page } ) => {
	await page.waitForTimeout( 800 );
	await page.screenshot( { path: `${out}/${name}-journey-run-end.png`, fullPage: name === 'phone' } );
	await page.getByTestId( 'help-open' ).click();
	await page.getByTestId( 'help-glossary' ).click();
	await page.locator( '[data-term="gradient"] summary' ).first().click();
	await page.waitForTimeout( 300 );
	await page.screenshot( { path: `${out}/${name}-glossary.png` } );
} );
for ( const { name, browser } of pages ) {
	console.log( name, JSON.stringify( browser.log.consoleErrors.concat( browser.log.pageErrors ) ) );
	await browser.close();
}
