// End to end: headless Chromium against a real nnjourney-server training on real MNIST.
// One shared run, checked from several pages in order: connect + first render, teaching pause,
// training stats, a second page and a late joiner, a LAN viewer without the token, drawing
// with mouse and touch after one epoch, the learning views (features, histograms, mistakes,
// trained vs untrained, random steps, landscape, painter), the architecture builder, theme,
// server restart; throughout: no console errors and no request outside the server's origin.
// Screenshots go to $NNJ_WEB_ARTIFACTS (the build tree) to be looked at.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { launchBrowser, drawStrokes } from '../lib/browser.mjs';
import { startServer, missingPrerequisite, api, lanAddress, artifactsDir, TOKEN } from '../lib/server.mjs';

const skip = missingPrerequisite( { needMnist: true } );
const shots = artifactsDir();
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
let server, desktop, main;
const browsers = [];

async function browser( options ) {
	const b = await launchBrowser( options );
	browsers.push( b );
	return b;
}

const text = ( page, id ) => page.getByTestId( id ).textContent();
const waitFor = ( page, fn, arg, timeout = 30000 ) => page.waitForFunction( fn, arg, { timeout, polling: 100 } );
const connected = ( page, timeout ) => waitFor( page, () =>
	document.querySelector( '[data-testid=connection-status]' )?.dataset.state === 'connected', null, timeout );
const shot = ( page, name ) => page.screenshot( { path: join( shots, `${name}.png` ) } );

before( async () => {
	if ( skip ) return;
	server = await startServer( { lan: true, name: 'server-e2e' } );
	desktop = await browser( { viewport: { width: 1920, height: 1080 }, colorScheme: 'dark' } );
	main = await desktop.newPage();
} );

after( async () => {
	for ( const b of browsers ) await b.close();
	await server?.dispose();
} );

test( 'the page connects, shows the state and draws the 3D network', { skip: skip ?? false }, async () => {
	const started = Date.now();
	await main.goto( server.url );
	await connected( main, 5000 );
	await waitFor( main, () => window.__nnj?.state.snapshotReceived && window.__nnj.perf().frames > 0 );
	const firstRenderMs = Date.now() - started;
	const drawn = await main.evaluate( () => window.__nnj.scene.drawnPixels() );
	console.log( `# first render ${firstRenderMs} ms; ${drawn.differing} of ${drawn.width * drawn.height} pixels drawn` );
	assert.ok( drawn.differing > drawn.width * drawn.height * 0.01, 'the canvas shows the network' );
	assert.ok( firstRenderMs < 5000, `first render took ${firstRenderMs} ms` );
	assert.equal( await main.evaluate( () => window.__nnj.state.role ), 'controller', 'loopback page is the teacher' );
	assert.equal( await main.getByTestId( 'play-pause' ).isEnabled(), true );
	await shot( main, 'desktop-dark-idle' );
} );

test( 'play trains: a teaching pause explains the first forward pass, then the stats move', { skip: skip ?? false }, async () => {
	await api( server, 'POST', '/set-teaching-mode?enabled=true' );
	// Record every overlay the page shows: on a loaded machine the 3 s first pause can be over
	// (and the next one shown) before this test gets to look.
	await main.evaluate( () => {
		window.__teachingSeen = [];
		const record = () => window.__teachingSeen.push( {
			title: document.getElementById( 'teaching-title' ).textContent,
			caption: document.getElementById( 'teaching-caption' ).textContent,
		} );
		new MutationObserver( record ).observe( document.getElementById( 'teaching-caption' ), { childList: true, characterData: true, subtree: true } );
	} );
	await main.getByTestId( 'play-pause' ).click();
	await waitFor( main, () => window.__teachingSeen.some( ( s ) => /first forward pass/i.test( s.title ) ), null, 60000 );
	const first = ( await main.evaluate( () => window.__teachingSeen ) ).find( ( s ) => /first forward pass/i.test( s.title ) );
	assert.match( first.caption, /the digit we follow, a \d/ );
	// Narrated speed (200 ms per batch) keeps the run going while the next tests look at it.
	await api( server, 'POST', '/set-speed?mode=narrated' );
	if ( await main.evaluate( () => ! document.getElementById( 'teaching' ).hidden ) ) await shot( main, 'desktop-dark-teaching' );
	// Skip the remaining pauses: teaching mode off ends the card on show and the run goes on.
	await api( server, 'POST', '/set-teaching-mode?enabled=false' );
	await waitFor( main, () => document.getElementById( 'teaching' ).hidden, null, 30000 );
	await waitFor( main, () => window.__nnj.state.settings.teaching_mode === false, null, 30000 );

	const before = Number( ( await text( main, 'stat-batch' ) ).split( '/' )[ 0 ] );
	await waitFor( main, ( b ) => Number( document.querySelector( '[data-testid=stat-batch]' ).textContent.split( '/' )[ 0 ] ) > b + 10, before, 30000 );
	const loss = Number( await text( main, 'stat-loss' ) );
	assert.ok( Number.isFinite( loss ) && loss > 0 && loss < 5, `loss ${loss}` );
	assert.match( await text( main, 'stat-accuracy' ), /^\d+(\.\d)?%$/ );
	assert.match( await text( main, 'stat-epoch' ), /^1 \/ \d+$/ );
	assert.equal( await main.getByTestId( 'play-pause' ).getAttribute( 'data-state' ), 'running' );
	const perf = await main.evaluate( () => window.__nnj.perf() );
	assert.ok( perf.lines > 0, 'connections are drawn' );
	await shot( main, 'desktop-dark-training' );

	// While it trains, the histograms refresh by themselves (at most once a second).
	await main.getByTestId( 'learning-open' ).click();
	await main.locator( '#tab-histograms' ).click();
	await waitFor( main, () => ( window.__nnj.learning.histogramsShown ?? 0 ) >= 3, null, 30000 );
	assert.match( await main.locator( '#hist-status' ).textContent(), /test images · live$/ );
	await main.locator( '#tab-features' ).click();
	await main.keyboard.press( 'Escape' );
	await waitFor( main, () => document.getElementById( 'learning' ).hidden );

	// In Step speed (the run holds) each press of Step sweeps that step's forward pass through the layers.
	await api( server, 'POST', '/set-speed?mode=step' );
	await waitFor( main, () => window.__nnj.state.settings.speed === 'step' && window.__nnj.state.paused );
	const sweeps = await main.evaluate( () => window.__nnj.scene.sweeps ?? 0 );
	await main.locator( '#step-button' ).click();
	try {
		await waitFor( main, ( n ) => ( window.__nnj.scene.sweeps ?? 0 ) > n, sweeps, 30000 );
	} finally {
		await api( server, 'POST', '/set-speed?mode=narrated' );
		await api( server, 'POST', '/resume-training' );
	}
} );

test( 'a second page and a late joiner see the same run at once', { skip: skip ?? false }, async () => {
	const other = await browser( { viewport: { width: 1366, height: 768 }, colorScheme: 'light' } );
	const late = await other.newPage();
	const started = Date.now();
	await late.goto( server.url );
	await waitFor( late, () => window.__nnj?.state.snapshotReceived && window.__nnj.perf().frames > 0 );
	const joinMs = Date.now() - started;
	console.log( `# late joiner: state + first frame after ${joinMs} ms` );
	assert.equal( await late.evaluate( () => window.__nnj.state.training ), true );
	assert.ok( ( await late.evaluate( () => window.__nnj.state.history.loss.length ) ) > 0, 'the loss history came with the snapshot' );
	assert.match( await text( late, 'stat-epoch' ), /^1 \/ \d+$/ );
	// Both pages follow the same batches of the one shared run.
	const status = ( await api( server, 'GET', '/status' ) ).data;
	for ( const page of [ main, late ] ) {
		await waitFor( page, ( b ) => window.__nnj.state.stats.batch >= b, status.batch );
	}
	const viewers = await late.evaluate( () => window.__nnj.state.viewers );
	assert.ok( viewers >= 2, `viewer count ${viewers}` );
	await late.waitForTimeout( 500 );
	await shot( late, 'laptop-light-late-join' );
} );

test( 'a LAN page without the token is a viewer; with ?token= it controls', { skip: skip ?? false }, async ( t ) => {
	const address = lanAddress();
	if ( ! address ) {
		if ( process.env.CI ) assert.fail( 'no non-loopback IPv4 address to test the viewer role' );
		t.skip( 'no non-loopback IPv4 address' );
		return;
	}
	const lanUrl = `http://${address}:${server.port}/`;
	const phone = await browser( { ...PHONE, colorScheme: 'dark' } );
	const viewer = await phone.newPage();
	await viewer.goto( lanUrl );
	await connected( viewer );
	await waitFor( viewer, () => window.__nnj?.state.snapshotReceived );
	assert.equal( await viewer.evaluate( () => window.__nnj.state.role ), 'viewer' );
	assert.equal( await viewer.getByTestId( 'play-pause' ).isDisabled(), true );
	assert.equal( await viewer.locator( '#viewer-note' ).isVisible(), true );
	// Going around the UI does not help either: the server refuses the command.
	const errorsBefore = phone.log.consoleErrors.length;
	const refused = await viewer.evaluate( async () => ( await fetch( '/stop-training', { method: 'POST' } ) ).status );
	assert.ok( refused === 401 || refused === 403, `stop without token answered ${refused}` );
	// Chromium logs the refused request as a console error: expected here, and only that one.
	// The message arrives asynchronously (late on a loaded machine): wait for it before taking it.
	for ( let i = 0; i < 100 && phone.log.consoleErrors.length <= errorsBefore; ++i ) await viewer.waitForTimeout( 100 );
	const logged = phone.log.consoleErrors.splice( errorsBefore );
	assert.ok( logged.length <= 1 && logged.every( ( line ) => line.includes( `status of ${refused}` ) ), logged.join( '\n' ) );
	assert.equal( ( await api( server, 'GET', '/status' ) ).data.training, true, 'the run goes on' );
	await viewer.waitForTimeout( 400 );
	await viewer.screenshot( { path: join( shots, 'phone-dark-viewer.png' ) } );

	const controller = await phone.newPage();
	await controller.goto( `${lanUrl}?token=${TOKEN}` );
	await connected( controller );
	await waitFor( controller, () => window.__nnj?.state.role === 'controller' );
	assert.equal( await controller.getByTestId( 'play-pause' ).isEnabled(), true );
	await controller.close();
	await viewer.close();
} );

test( 'after an epoch the test accuracy and confusion matrix show; stop ends the run', { skip: skip ?? false }, async () => {
	await main.locator( 'input[name=speed][value=fast]' ).check( { force: true } );
	await waitFor( main, () => window.__nnj.state.settings.speed === 'fast' );
	await waitFor( main, () => window.__nnj.state.epochResults.length >= 1, null, 240000 );
	await api( server, 'POST', '/set-speed?mode=narrated' ); // keep the run alive for the Stop button
	const accuracy = await main.evaluate( () => window.__nnj.state.epochResults[ 0 ].test_accuracy );
	console.log( `# epoch 1 test accuracy ${accuracy}` );
	assert.ok( accuracy > 0.9, `test accuracy after one epoch ${accuracy}` );
	assert.equal( await main.locator( '#confusion table td' ).count(), 100 );
	await main.locator( '#stop-button' ).click();
	await waitFor( main, () => window.__nnj.state.training === false, null, 30000 );
	// training_stopped comes first; the large training_complete (with the weights) follows.
	await waitFor( main, () => window.__nnj.state.complete !== null, null, 30000 );
	assert.equal( await main.evaluate( () => window.__nnj.state.complete?.stopped ), true, 'the run was stopped, not finished' );
	await waitFor( main, () => window.__nnj.weights.model !== null );
	await shot( main, 'desktop-dark-after-epoch' );
} );

// Strokes in pad coordinates (0..1) for digits a person would draw.
const STROKES = {
	1: [ [ [ 0.52, 0.15 ], [ 0.5, 0.5 ], [ 0.48, 0.85 ] ] ],
	0: [ Array.from( { length: 33 }, ( _, i ) => [ 0.5 + 0.24 * Math.sin( i / 32 * 2 * Math.PI ), 0.5 - 0.33 * Math.cos( i / 32 * 2 * Math.PI ) ] ) ],
	7: [ [ [ 0.25, 0.2 ], [ 0.72, 0.2 ], [ 0.45, 0.85 ] ] ],
};

async function predicted( page ) {
	await page.getByTestId( 'predict-button' ).click();
	await waitFor( page, () => document.querySelector( '[data-testid=prediction-result]' ).dataset.digit !== '' );
	return Number( await page.getByTestId( 'prediction-result' ).getAttribute( 'data-digit' ) );
}

test( 'a drawn digit is predicted correctly in the browser, matching the server', { skip: skip ?? false }, async () => {
	await main.getByTestId( 'open-drawing' ).click();
	for ( const digit of [ 1, 0, 7 ] ) {
		await main.getByTestId( 'clear-drawing' ).click();
		await drawStrokes( main, STROKES[ digit ] );
		const got = await predicted( main );
		const pixels = await main.evaluate( () => window.__nnj.drawingInput() );
		const answer = ( await api( server, 'POST', '/predict', { pixels } ) ).data;
		console.log( `# drew ${digit}: browser says ${got}, server says ${answer.digit}` );
		assert.equal( got, answer.digit, 'browser and server agree on the same 28x28 input' );
		if ( digit !== 7 ) assert.equal( got, digit, `drawn ${digit}` );
		if ( digit === 0 ) await shot( main, 'desktop-dark-drawing' );
	}
	// The 3D view shows the drawing's activations.
	assert.equal( await main.evaluate( () => window.__nnj.scene.activations?.length ), 4 );
} );

test( 'clicking a neuron opens the inspector; the learning-rate slider drives the server', { skip: skip ?? false }, async () => {
	await main.locator( '#draw-close' ).click();
	const at = await main.evaluate( () => window.__nnj.scene.neuronClientPosition( 1, 5 ) );
	await main.mouse.click( at.x, at.y );
	await waitFor( main, () => ! document.getElementById( 'inspector' ).hidden );
	assert.equal( await main.locator( '#inspector-title' ).textContent(), 'Hidden layer 1 · neuron 5' );
	assert.match( await main.locator( '#inspector-caption' ).textContent(), /28×28 image/ );
	assert.equal( await main.locator( '#inspector-canvas' ).evaluate( ( c ) => `${c.width}x${c.height}` ), '28x28' );
	const out = await main.evaluate( () => window.__nnj.scene.neuronClientPosition( 3, 7 ) );
	await main.mouse.click( out.x, out.y );
	await waitFor( main, () => document.getElementById( 'inspector-title' ).textContent === 'Output neuron · digit 7' );
	await shot( main, 'desktop-dark-inspector' );
	await main.locator( '#inspector-close' ).click();

	await main.locator( '#lr-slider' ).fill( '-3' ); // log10: 0.001
	await waitFor( main, () => Math.abs( window.__nnj.state.settings.learning_rate - 0.001 ) < 1e-6 );
	const lr = ( await api( server, 'GET', '/api/state' ) ).data.settings.learning_rate;
	assert.ok( Math.abs( lr - 0.001 ) < 1e-6, `server learning rate ${lr}` );
	assert.equal( await main.locator( '#lr-value' ).textContent(), '0.001' );
} );

test( 'the learning views show analyses of the real network', { skip: skip ?? false }, async () => {
	const started = Date.now();
	const model = () => main.evaluate( () => window.__nnj.weights.model?.sizes );
	const sizes = await model();
	const opened = await main.evaluate( () => performance.now() );
	await main.getByTestId( 'learning-open' ).click();
	await waitFor( main, () => ! document.getElementById( 'learning' ).hidden );
	assert.equal( await main.locator( '#tab-features' ).getAttribute( 'aria-selected' ), 'true' );
	// Opening loads the features afresh: the tiles of an earlier visit (while training) are older
	// than the weights now, so wait for a load that began after opening.
	await waitFor( main, ( t ) => ! window.__nnj.learning.features.loading && window.__nnj.learning.features.lastAt > t, opened );

	// Features: one 28×28 tile per first-layer neuron, decoded from the int8 answer to within half a
	// step of the server's weights (/get-weights, full precision: the page's own copy came as
	// float16 over the binary wire), and not all alike.
	await waitFor( main, ( n ) => document.querySelectorAll( '#features-grid .tile' ).length === n, sizes[ 1 ] );
	const gallery = await main.evaluate( async () => {
		const { weights, data } = window.__nnj.learning.features;
		const rows = ( await ( await fetch( '/get-weights' ) ).json() ).weights[ 0 ].weights; // [784][units]
		let worst = 0;
		for ( let j = 0; j < data.neurons; ++ j ) {
			for ( let i = 0; i < 784; ++ i ) worst = Math.max( worst, Math.abs( weights[ j * 784 + i ] - rows[ i ][ j ] ) / ( data.scales[ j ] / 254 ) );
		}
		const pixels = [ ...document.querySelectorAll( '#features-grid .tile canvas' ) ].slice( 0, 8 )
			.map( ( c ) => Array.from( c.getContext( '2d' ).getImageData( 0, 0, c.width, c.height ).data ).join() );
		const first = document.querySelector( '#features-grid .tile canvas' );
		return { worst, distinct: new Set( pixels ).size, size: `${first.width}x${first.height}`, firing: data.firing };
	} );
	assert.ok( gallery.worst <= 1.001, `decoded weights off by ${gallery.worst} half-steps` );
	assert.equal( gallery.size, '28x28' );
	assert.equal( gallery.distinct, 8, 'the tiles differ from each other' );
	await main.selectOption( '#features-sort', 'firing' );
	const order = await main.evaluate( () => [ ...document.querySelectorAll( '#features-grid .tile' ) ].map( ( t ) => Number( t.dataset.neuron ) ) );
	for ( let k = 1; k < order.length; ++ k ) assert.ok( gallery.firing[ order[ k - 1 ] ] >= gallery.firing[ order[ k ] ], 'sorted by firing rate' );
	await main.locator( '#features-grid .tile[data-neuron="5"]' ).click();
	await waitFor( main, () => document.getElementById( 'inspector-title' ).textContent === 'Hidden layer 1 · neuron 5' );
	assert.deepEqual( await main.evaluate( () => window.__nnj.scene.selection ), { layer: 1, index: 5 } );
	await waitFor( main, () => /mean of the 16 test images/.test( document.getElementById( 'features-top-note' ).textContent ) );
	await shot( main, 'desktop-dark-learning-features' );

	// Histograms: the counts add up to the layer's sizes; dead units are a button to the 3D view.
	await main.locator( '#tab-histograms' ).click();
	await waitFor( main, ( n ) => document.querySelectorAll( '#hist-layers .hist-layer' ).length === n, sizes.length - 1 );
	const totals = await main.evaluate( () => [ ...document.querySelectorAll( '#hist-layers .hist-layer' ) ].map( ( layer ) =>
		Object.fromEntries( [ ...layer.querySelectorAll( 'canvas' ) ].map( ( c ) => [ c.dataset.kind, Number( c.dataset.total ) ] ) ) ) );
	totals.forEach( ( t, l ) => {
		assert.equal( t.weights, sizes[ l ] * sizes[ l + 1 ], `layer ${l + 1} weights` );
		assert.equal( t.biases, sizes[ l + 1 ] );
		assert.equal( t.activations, sizes[ l + 1 ] * 1000 );
	} );
	const dead = main.locator( '[data-testid=hist-dead-1]' );
	if ( await dead.isEnabled() ) {
		await dead.click();
		const units = JSON.parse( await dead.getAttribute( 'data-units' ) );
		assert.deepEqual( await main.evaluate( () => window.__nnj.scene.highlighted ), { layer: 1, indices: units } );
	}
	await shot( main, 'desktop-dark-learning-histograms' );

	// Mistakes: the fullest wrong cell of the confusion matrix opens its images; one becomes the input.
	const cell = await main.evaluate( () => {
		let best = [ 4, 9, - 1 ];
		window.__nnj.state.confusion.forEach( ( row, t ) => row.forEach( ( n, p ) => { if ( t !== p && n > best[ 2 ] ) best = [ t, p, n ]; } ) );
		return best;
	} );
	await main.locator( `#confusion td[data-true="${cell[ 0 ]}"][data-predicted="${cell[ 1 ]}"]` ).click();
	await waitFor( main, () => document.getElementById( 'tab-mistakes' ).getAttribute( 'aria-selected' ) === 'true' );
	await waitFor( main, () => document.querySelectorAll( '#mistakes-grid .image-item' ).length > 0 );
	assert.match( await main.locator( '#mistakes-status' ).textContent(), new RegExp( `test images of a ${cell[ 0 ]} read as ${cell[ 1 ]}` ) );
	const sweeps = await main.evaluate( () => window.__nnj.scene.sweeps ?? 0 );
	await main.locator( '#mistakes-grid .image-item' ).first().click();
	await waitFor( main, ( p ) => document.querySelector( '[data-testid=prediction-result]' ).dataset.digit === String( p ), cell[ 1 ] );
	assert.ok( await main.evaluate( () => window.__nnj.scene.sweeps ) > sweeps, 'the forward pass swept through the layers' );
	const input = await main.evaluate( () => Array.from( window.__nnj.scene.activations[ 0 ] ) );
	const item = await main.evaluate( () => window.__nnj.learning.mistakes.items[ 0 ] );
	const bytes = Buffer.from( item.image, 'base64' );
	assert.ok( input.every( ( v, k ) => Math.abs( v - bytes[ k ] / 255 ) < 1e-6 ), 'the 3D input layer shows the test image' );
	await shot( main, 'desktop-dark-learning-mistakes' );

	// Trained vs untrained, and both networks on that input.
	await main.locator( '#tab-compare' ).click();
	await waitFor( main, () => document.querySelectorAll( '#compare-table tbody tr' ).length === 3 );
	const accuracy = await main.locator( '#compare-table tbody tr' ).first().locator( 'td' ).allTextContents();
	assert.ok( parseFloat( accuracy[ 1 ] ) > 90 && parseFloat( accuracy[ 0 ] ) < 30, `accuracy untrained ${accuracy[ 0 ]}, trained ${accuracy[ 1 ]}` );
	await waitFor( main, () => document.querySelectorAll( '#compare-drawing .prob-bars' ).length === 2 );
	assert.match( await main.locator( '#compare-drawing' ).textContent(), new RegExp( `Trained: ${cell[ 1 ]} ` ) );

	// Gradient descent vs random steps, with progress, as a chart.
	await main.locator( '#tab-steps' ).click();
	await main.locator( '#steps-count' ).fill( '40' );
	await main.locator( '#steps-start' ).click();
	await waitFor( main, () => /^40 steps/.test( document.getElementById( 'steps-status' ).textContent ), null, 60000 );
	const curves = await main.evaluate( () => window.__nnj.learning.stepsPlot.data.map( ( s ) => s.length ) );
	assert.deepEqual( curves, [ 40, 40, 40 ] );

	// The loss landscape: a G×G surface with the training path and the centre.
	await main.locator( '#tab-landscape' ).click();
	await main.locator( '#landscape-grid' ).fill( '7' );
	await main.locator( '#landscape-samples' ).fill( '100' );
	await main.locator( '#landscape-start' ).click();
	await waitFor( main, () => window.__nnj.learning.landscapeSummary, null, 60000 );
	const surface = await main.evaluate( () => ( { ...window.__nnj.learning.landscapeSummary,
		meshVertices: window.__nnj.learning.landscape.surface.geometry.attributes.position.count } ) );
	assert.equal( surface.vertices, 49 );
	assert.equal( surface.meshVertices, 49 );
	assert.ok( surface.trajectoryPoints > 1, 'the run\'s path is drawn' );
	await shot( main, 'desktop-dark-learning-landscape' );

	// The weight painter changes this page's prediction only: the server's weights stay as they were.
	const before = JSON.stringify( ( await api( server, 'GET', '/get-weights' ) ).data );
	await main.locator( '#tab-painter' ).click();
	const unpainted = await main.evaluate( () => Array.from( window.__nnj.learning.painterResult?.probabilities ?? [] ) );
	const box = await main.locator( '#painter-canvas' ).boundingBox();
	await main.mouse.move( box.x + box.width * 0.2, box.y + box.height * 0.2 );
	await main.mouse.down();
	await main.mouse.move( box.x + box.width * 0.8, box.y + box.height * 0.8, { steps: 12 } );
	await main.mouse.up();
	const painted = await main.evaluate( () => Array.from( window.__nnj.learning.painterResult.probabilities ) );
	assert.equal( unpainted.length, 10 );
	assert.ok( painted.some( ( p, d ) => Math.abs( p - unpainted[ d ] ) > 1e-9 ), 'painting changes the probabilities' );
	assert.match( await main.locator( '#painter-status' ).textContent(), /[1-9]\d* of 784 weights painted/ );
	assert.equal( JSON.stringify( ( await api( server, 'GET', '/get-weights' ) ).data ), before, 'the shared weights are untouched' );
	await shot( main, 'desktop-dark-learning-painter' );

	// Keyboard: arrows move between tabs, Escape closes the drawer.
	await main.locator( '#tab-painter' ).focus();
	await main.keyboard.press( 'ArrowRight' );
	assert.equal( await main.locator( '#tab-features' ).getAttribute( 'aria-selected' ), 'true' );
	await main.keyboard.press( 'Escape' );
	await waitFor( main, () => document.getElementById( 'learning' ).hidden );
	await main.locator( '#draw-close' ).click(); // opened by the chosen test image
	console.log( `# learning views checked in ${Date.now() - started} ms` );
} );

test( 'touch drawing works on a phone', { skip: skip ?? false }, async () => {
	const phone = await browser( { ...PHONE, colorScheme: 'light' } );
	const page = await phone.newPage();
	await page.goto( server.url );
	await connected( page );
	await waitFor( page, () => window.__nnj?.weights.model !== null );
	await page.getByTestId( 'open-drawing' ).click();
	const box = await page.getByTestId( 'drawing-canvas' ).boundingBox();
	const cdp = await page.context().newCDPSession( page );
	const point = ( x, y ) => ( { x: box.x + x * box.width, y: box.y + y * box.height } );
	await cdp.send( 'Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [ point( 0.52, 0.15 ) ] } );
	for ( let i = 1; i <= 12; ++ i ) {
		await cdp.send( 'Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [ point( 0.52 - 0.04 * i / 12, 0.15 + 0.7 * i / 12 ) ] } );
	}
	await cdp.send( 'Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] } );
	await waitFor( page, () => document.querySelector( '[data-testid=prediction-result]' ).dataset.digit !== '' );
	assert.equal( Number( await page.getByTestId( 'prediction-result' ).getAttribute( 'data-digit' ) ), 1 );
	await page.screenshot( { path: join( shots, 'phone-light-drawing.png' ) } );
	await page.getByTestId( 'clear-drawing' ).click();
	await page.locator( '#draw-close' ).click();
	await page.screenshot( { path: join( shots, 'phone-light-page.png' ), fullPage: true } );
} );

test( 'the architecture builder changes the network after a confirmation', { skip: skip ?? false }, async () => {
	await main.getByTestId( 'architecture-open' ).click();
	const dialog = main.locator( '#architecture-dialog' );
	await dialog.locator( '#arch-add' ).click();
	const sizes = dialog.locator( '.arch-layers input[type=number]' );
	assert.equal( await sizes.count(), 3 );
	await sizes.nth( 2 ).fill( '32' );
	await dialog.locator( 'select' ).nth( 2 ).selectOption( 'tanh' );
	assert.equal( await dialog.locator( '#arch-params' ).textContent(), '111,146' ); // 784*128+128 + 128*64+64 + 64*32+32 + 32*10+10
	await sizes.nth( 2 ).fill( '2000' );
	assert.match( await dialog.locator( '#arch-error' ).textContent(), /1 to 1024/ );
	assert.equal( await dialog.locator( '#arch-apply' ).isDisabled(), true );
	await sizes.nth( 2 ).fill( '32' );
	await dialog.locator( '#arch-apply' ).click();
	assert.equal( await dialog.locator( '#arch-confirm' ).isVisible(), true, 'asks before resetting' );
	await shot( main, 'desktop-dark-architecture' );
	await dialog.locator( '#arch-apply' ).click();
	await waitFor( main, () => window.__nnj.state.architecture.join() === '784,128,64,32,10' );
	// The dialog closes when the HTTP answer arrives, which can come after the WebSocket's news.
	await dialog.waitFor( { state: 'hidden', timeout: 10000 } );
	assert.deepEqual( ( await api( server, 'GET', '/api/state' ) ).data.activations_names, [ 'relu', 'relu', 'tanh' ] );
	await waitFor( main, () => window.__nnj.scene.meshes.length === 5 );
} );

test( 'the theme switch is remembered', { skip: skip ?? false }, async () => {
	await main.locator( '#theme-toggle' ).click();
	assert.equal( await main.evaluate( () => document.documentElement.dataset.theme ), 'light' );
	await main.reload();
	await connected( main );
	assert.equal( await main.evaluate( () => document.documentElement.dataset.theme ), 'light' );
	await main.waitForTimeout( 300 );
	await shot( main, 'desktop-light-reloaded' );
} );

test( 'the page recovers when the server restarts', { skip: skip ?? false }, async () => {
	// Every open page sees the server go away, not only the one this test watches.
	const errorsBefore = new Map( browsers.map( ( b ) => [ b, b.log.consoleErrors.length ] ) );
	const snapshots = await main.evaluate( () => window.__nnj.state.snapshotCount );
	await server.stop();
	await waitFor( main, () => document.querySelector( '[data-testid=connection-status]' ).dataset.state === 'disconnected', null, 60000 );
	await shot( main, 'desktop-light-disconnected' );
	await server.start();
	await connected( main, 20000 );
	// A fresh snapshot arrives, with the model the server autosaved before it went down.
	await waitFor( main, ( n ) => window.__nnj.state.snapshotCount > n && window.__nnj.state.hasWeights, snapshots, 60000 );
	await waitFor( main, () => window.__nnj.perf().frames > 0 && ! document.getElementById( 'play-pause' ).disabled, null, 60000 );
	// While the server was down Chromium logs failed WebSocket handshakes on every page that
	// tried to reconnect: expected, and only those.
	for ( const [ b, before ] of errorsBefore ) {
		for ( const line of b.log.consoleErrors.slice( before ) )
			assert.match( line, /WebSocket connection to .* failed|ERR_CONNECTION_REFUSED/ );
		b.log.consoleErrors.length = before;
	}
} );

test( 'no console errors, and no request left the server origin', { skip: skip ?? false }, async () => {
	const origins = new Set( [ new URL( server.url ).origin ] );
	const address = lanAddress();
	if ( address ) origins.add( `http://${address}:${server.port}` );
	for ( const b of browsers ) {
		assert.deepEqual( b.log.pageErrors, [], 'uncaught page errors' );
		assert.deepEqual( b.log.consoleErrors, [], 'console errors' );
		for ( const url of b.log.requests ) {
			if ( url.startsWith( 'data:' ) || url.startsWith( 'blob:' ) ) continue;
			const origin = new URL( url ).origin.replace( /^ws/, 'http' );
			assert.ok( origins.has( origin ), `request outside the server's origin: ${url}` );
		}
	}
} );
