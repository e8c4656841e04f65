// End to end, the journey on the web page, against a real nnjourney-server on real MNIST: the
// first-visit tour and a returning profile, the glossary (18 terms, read-glossary ticks), the
// draw-digit task ticking only after drawing, a new teaching card with its data at lr 5
// (divergence or plateau) that stays while paused, a narration caption with the run's real
// numbers, and a whole run that ticks none of the drawing and inspecting tasks for a person who
// only watched.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { launchBrowser } from '../lib/browser.mjs';
import { startServer, missingPrerequisite, api, artifactsDir } from '../lib/server.mjs';

const skip = missingPrerequisite( { needMnist: true } );
const shots = artifactsDir();
let server, learner, watcher, page, watch;

const waitFor = ( p, fn, arg, timeout = 30000 ) => p.waitForFunction( fn, arg, { timeout, polling: 100 } );
const shot = ( p, name ) => p.screenshot( { path: join( shots, `${name}.png` ) } );
const taskDone = ( p, task ) => p.locator( `[data-testid=journey-task][data-task="${task}"]` ).getAttribute( 'data-done' );
const ready = ( p ) => waitFor( p, () => window.__nnj?.state.snapshotReceived && window.__nnj.journey() !== null &&
	document.querySelectorAll( '[data-testid=journey-task]' ).length === 15 );

before( async () => {
	if ( skip ) return;
	server = await startServer( { name: 'server-journey' } );
	learner = await launchBrowser( { viewport: { width: 1400, height: 900 }, onboarded: false } );
	watcher = await launchBrowser( { viewport: { width: 1400, height: 900 } } );
	page = await learner.newPage();
	watch = await watcher.newPage();
} );

after( async () => {
	await learner?.close();
	await watcher?.close();
	await server?.dispose();
} );

test( 'a first visit shows the tour; after Skip and a reload it is gone', { skip: skip ?? false }, async () => {
	await page.goto( server.url );
	await ready( page );
	const tour = page.getByTestId( 'onboarding' );
	assert.equal( await tour.isVisible(), true, 'the tour greets a first visit' );
	assert.match( await page.locator( '#onboarding-step' ).textContent(), /1 of 5/ );
	await page.getByTestId( 'onboarding-next' ).click();
	assert.match( await page.locator( '#onboarding-step' ).textContent(), /2 of 5/ );
	assert.equal( await page.locator( '#play-pause.tour-target' ).count(), 1, 'the step rings the control it explains' );
	await page.getByTestId( 'onboarding-skip' ).click();
	assert.equal( await tour.isVisible(), false );
	await page.reload();
	await ready( page );
	assert.equal( await tour.isVisible(), false, 'a returning profile does not see it' );
	// Help brings it back; Escape skips it.
	await page.getByTestId( 'help-open' ).click();
	await page.getByTestId( 'help-tour' ).click();
	assert.equal( await tour.isVisible(), true );
	await page.keyboard.press( 'Escape' );
	assert.equal( await tour.isVisible(), false );
	await watch.goto( server.url );
	await ready( watch );
	assert.equal( await watch.getByTestId( 'onboarding' ).isVisible(), false );
} );

test( 'the glossary shows 18 terms in two levels; opening one ticks read-glossary', { skip: skip ?? false }, async () => {
	assert.equal( await taskDone( page, 'read-glossary' ), 'false' );
	await page.getByTestId( 'help-open' ).click();
	await page.getByTestId( 'help-glossary' ).click();
	await waitFor( page, () => document.querySelectorAll( '[data-testid=glossary-term]' ).length === 18 );
	const served = ( await api( server, 'GET', '/api/glossary' ) ).data;
	assert.equal( served.terms.length, 18 );
	await page.getByTestId( 'glossary-search' ).fill( 'learning rate' );
	await waitFor( page, () => document.querySelector( '[data-testid=glossary-term][data-term="learning-rate"]' ) !== null &&
		document.querySelectorAll( '[data-testid=glossary-term]' ).length < 18 );
	await page.locator( '[data-testid=glossary-term][data-term="learning-rate"] summary' ).click();
	await waitFor( page, () => document.querySelector( '[data-task="read-glossary"]' ).dataset.done === 'true' );
	const term = served.terms.find( ( t ) => t.id === 'learning-rate' );
	assert.equal( await page.locator( '#glossary-learning-rate p' ).first().textContent(), term.plain );
	await page.locator( 'input[name="glossary-level"][value="formula"]' ).check();
	await waitFor( page, ( f ) => document.querySelector( '#glossary-learning-rate p' )?.textContent === f, term.formula );
	await page.getByTestId( 'glossary-search' ).fill( '' );
	await shot( page, 'journey-glossary' );
	await page.keyboard.press( 'Escape' );
	assert.equal( await page.getByTestId( 'glossary' ).isVisible(), false );
} );

test( 'draw-digit ticks only once the person drew and got a prediction', { skip: skip ?? false }, async () => {
	assert.equal( await taskDone( page, 'draw-digit' ), 'false' );
	await page.getByTestId( 'open-drawing' ).click();
	assert.equal( await taskDone( page, 'draw-digit' ), 'false', 'opening the pad is not drawing' );
	const box = await page.getByTestId( 'drawing-canvas' ).boundingBox();
	await page.mouse.move( box.x + box.width * 0.5, box.y + box.height * 0.15 );
	await page.mouse.down();
	await page.mouse.move( box.x + box.width * 0.5, box.y + box.height * 0.85, { steps: 10 } );
	await page.mouse.up();
	await page.getByTestId( 'predict-button' ).click();
	await waitFor( page, () => document.querySelector( '[data-testid=prediction-result]' ).dataset.digit !== '' );
	await waitFor( page, () => document.querySelector( '[data-task="draw-digit"]' ).dataset.done === 'true' );
	await waitFor( page, () => document.querySelector( '[data-achievement="first-prediction"]' ).dataset.earned === 'true' );
	await page.locator( '#draw-close' ).click();
} );

test( 'lr 5 with teaching on: a new teaching card shows its numbers and stays while paused', { skip: skip ?? false }, async () => {
	await api( server, 'POST', '/set-teaching-mode?enabled=true' );
	const off = await api( server, 'POST', '/set-teaching-moments?first_forward=off&first_backward=off&high_loss=off' );
	assert.equal( off.status, 200, JSON.stringify( off.data ) );
	await api( server, 'POST', '/set-learning-rate?lr=5' );
	await api( server, 'POST', '/set-speed?mode=fast' );
	await page.getByTestId( 'play-pause' ).click();
	// Too big a step: the loss blows up (divergence) or wanders on a flat stretch (plateau).
	await waitFor( page, () => [ 'divergence', 'plateau' ].includes( document.querySelector( '[data-testid=teaching-card]' ).dataset.reason ) &&
		! document.querySelector( '[data-testid=teaching-card]' ).hidden, null, 60000 );
	// Pause keeps the card until Continue.
	await page.getByTestId( 'play-pause' ).click();
	await waitFor( page, () => window.__nnj.state.runState === 'paused' );
	const moment = await page.evaluate( () => window.__nnj.state.pause );
	console.log( `# lr 5: ${moment.reason} ${JSON.stringify( moment.data )}` );
	assert.equal( moment.data.learning_rate, 5 );
	assert.equal( moment.focus_output_gradient.length, 10 );
	const message = await page.locator( '#teaching-message' ).textContent();
	const caption = await page.locator( '#teaching-caption' ).textContent();
	const number = ( x ) => String( Number( x.toPrecision( 3 ) ) );
	if ( moment.reason === 'divergence' ) {
		assert.equal( await page.locator( '#teaching-title' ).textContent(), 'Training is diverging' );
		assert.match( message, moment.data.non_finite ? /no longer a number/ : new RegExp( `${moment.data.rising_batches} batches` ) );
	} else {
		assert.equal( await page.locator( '#teaching-title' ).textContent(), 'A plateau' );
		assert.ok( message.includes( `${number( moment.data.loss_before )} → ${number( moment.data.loss )}` ), message );
		assert.ok( caption.includes( `last ${moment.data.batches} batches` ), caption );
	}
	assert.match( caption, /Learning rate 5\./ );
	assert.ok( await page.locator( '#teaching-terms .term-link' ).count() >= 1, 'the card links its words to the glossary' );
	await page.waitForTimeout( 4500 ); // longer than the moment's own pause
	assert.equal( await page.getByTestId( 'teaching-card' ).isVisible(), true, 'the card waits while paused' );
	assert.match( await page.locator( '#teaching-countdown' ).textContent(), /stays until Continue/ );
	await shot( page, `journey-${moment.reason}-card` );
	await page.locator( '#teaching-continue' ).click();
	await waitFor( page, ( r ) => window.__nnj.state.pause?.reason !== r && window.__nnj.state.runState !== 'paused', moment.reason );
	const task = moment.reason === 'divergence' ? 'diverge' : 'see-plateau-or-stuck';
	await waitFor( page, ( t ) => document.querySelector( `[data-task="${t}"]` ).dataset.done === 'true', task );
	await waitFor( watch, ( t ) => document.querySelector( `[data-task="${t}"]` ).dataset.done === 'true', task );
	await api( server, 'POST', '/stop-training' );
	await waitFor( page, () => ! window.__nnj.state.training && window.__nnj.state.verdict !== null );
} );

test( 'Narrated speed shows captions with the real numbers; a whole run ticks no drawing task', { skip: skip ?? false }, async () => {
	await api( server, 'POST', '/stop-training' );
	await waitFor( watch, () => ! window.__nnj.state.training );
	await api( server, 'POST', '/set-teaching-mode?enabled=false' );
	// A small network from fresh weights (the lr 5 run left the last one broken) trains quickly.
	const small = await api( server, 'POST', '/set-architecture', { layers: [ 784, 32, 10 ] } );
	assert.equal( small.status, 200, JSON.stringify( small.data ) );
	await api( server, 'POST', '/set-learning-rate?lr=0.05' );
	await api( server, 'POST', '/set-speed?mode=narrated' );
	await watch.evaluate( () => {
		window.__captions = [];
		new MutationObserver( () => window.__captions.push( { text: document.getElementById( 'caption' ).textContent,
			narration: window.__nnj.state.narration } ) ).observe( document.getElementById( 'caption' ), { childList: true, subtree: true } );
	} );
	await api( server, 'POST', '/start-training' );
	await waitFor( watch, () => window.__captions.length > 0 && ! document.getElementById( 'caption' ).hidden, null, 30000 );
	const [ first ] = await watch.evaluate( () => window.__captions );
	const n = first.narration;
	console.log( `# caption (${n.kind}): ${first.text}` );
	const shown = { loss_halved: [ n.value, n.previous ], loss_rising: [ n.value, n.previous ], focus_mistake: [ n.label, n.guess ],
		epoch_result: [ n.epoch ], learning_rate_changed: [ n.value ] }[ n.kind ] ?? [];
	for ( const value of shown ) {
		const text = Number.isInteger( value ) ? String( value ) : String( Number( value.toPrecision( 2 ) ) );
		assert.ok( first.text.includes( text ), `"${first.text}" shows ${text}` );
	}
	assert.equal( await watch.locator( '#caption' ).getAttribute( 'aria-live' ), 'polite' );
	await shot( watch, 'journey-caption' );
	// The rest of the run at full speed: the watcher never drew nor inspected anything.
	await api( server, 'POST', '/set-speed?mode=fast' );
	await waitFor( watch, () => ! window.__nnj.state.training && window.__nnj.state.verdict !== null, null, 120000 );
	for ( const task of [ 'draw-digit', 'watch-sweep', 'inspect-neuron', 'open-features', 'read-glossary' ] ) {
		assert.equal( await taskDone( watch, task ), 'false', task );
	}
	assert.equal( await taskDone( watch, 'start-training' ), 'true' );
	const verdict = await watch.evaluate( () => window.__nnj.state.verdict );
	const title = await watch.locator( '#verdict-title' ).textContent();
	console.log( `# verdict ${verdict.outcome}: ${title}` );
	assert.equal( verdict.outcome, 'learned', JSON.stringify( verdict ) );
	assert.match( title, /^Test accuracy \d+\.\d% — draw a digit to try it$/ );
	assert.ok( title.includes( `${( verdict.test_accuracy * 100 ).toFixed( 1 )}%` ), 'the verdict\'s own number' );
	await shot( watch, 'journey-run-end' );
} );
