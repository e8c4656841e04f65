// Web page benchmark: page load (time to first frame with the run's state, bytes transferred)
// and frames per second in headless Chromium (software WebGL, SwiftShader) with the default
// network, connections and backprop particles shown while a real nnjourney-server streams
// training updates on real MNIST.
// Usage: NNJ_SERVER_BIN=build/.../nnjourney-server NNJ_MNIST_DIR=/path/to/mnist \
//        node bench/web_fps.mjs [--viewport 1920x1080] [--seconds 6] [--speed normal|narrated] [--query "?x=y"]
// --speed narrated (200 ms per batch) leaves the CPU to the browser when both share one machine.
// Needs tests/web's npm packages (playwright-core): `npm ci` in tests/web, or NNJ_WEB_TEST_MODULES.
import { launchBrowser } from '../tests/web/lib/browser.mjs';
import { startServer, missingPrerequisite, api } from '../tests/web/lib/server.mjs';

const args = Object.fromEntries( process.argv.slice( 2 ).join( ' ' ).split( '--' ).filter( Boolean )
	.map( ( a ) => a.trim().split( /\s+/ ) ).map( ( [ k, v ] ) => [ k, v ?? '' ] ) );
const [ width, height ] = ( args.viewport ?? '1920x1080' ).split( 'x' ).map( Number );
const seconds = Number( args.seconds ?? 6 );

const reason = missingPrerequisite( { needMnist: true } );
if ( reason ) {
	console.error( `web_fps: ${reason}` );
	process.exit( 2 );
}
const server = await startServer( { name: 'bench-web' } );
const browser = await launchBrowser( { viewport: { width, height } } );
try {
	await api( server, 'POST', '/set-teaching-mode?enabled=false' );
	await api( server, 'POST', `/set-speed?mode=${args.speed ?? 'normal'}` );
	const page = await browser.newPage();
	const started = Date.now();
	await page.goto( server.url + ( args.query ?? '' ) );
	await page.waitForFunction( () => window.__nnj?.state.snapshotReceived && window.__nnj.perf().frames > 0, null, { polling: 20 } );
	const firstRenderWallMs = Date.now() - started;
	const load = await page.evaluate( () => {
		const mark = ( name ) => performance.getEntriesByName( name )[ 0 ]?.startTime ?? null;
		const nav = performance.getEntriesByType( 'navigation' )[ 0 ];
		const resources = performance.getEntriesByType( 'resource' );
		const bytes = nav.transferSize + resources.reduce( ( sum, r ) => sum + r.transferSize, 0 );
		return { modulesLoadedMs: mark( 'nnj-modules-loaded' ), firstFrameMs: mark( 'nnj-first-frame' ),
			connectedMs: mark( 'nnj-connected' ), firstSnapshotMs: mark( 'nnj-first-snapshot' ),
			domContentLoadedMs: nav.domContentLoadedEventEnd, loadEventMs: nav.loadEventEnd,
			transferredBytes: bytes, requests: resources.length + 1, renderer: window.__nnj.scene.rendererInfo?.() ?? null };
	} );
	// The trainer is fast (a 3-epoch run takes seconds): start it again whenever it ends, so the
	// page always has updates streaming during the measurement.
	let keepTraining = true;
	const keeper = ( async () => {
		while ( keepTraining ) {
			if ( ! ( await api( server, 'GET', '/status' ) ).data.training ) await api( server, 'POST', '/start-training' );
			await new Promise( ( resolve ) => setTimeout( resolve, 150 ) );
		}
	} )();
	await page.waitForFunction( () => window.__nnj.state.training && window.__nnj.perf().animating, null, { timeout: 30000 } );
	await page.waitForTimeout( 1500 ); // settle (first weights refresh, quality adaptation)
	const sample = () => page.evaluate( () => ( { frames: window.__nnj.perf().frames, t: performance.now(),
		seq: window.__nnj.state.lastUpdate?.seq ?? 0, batch: window.__nnj.state.stats.batch, perf: window.__nnj.perf() } ) );
	const a = await sample();
	await page.waitForTimeout( seconds * 1000 );
	const b = await sample();
	const elapsed = ( b.t - a.t ) / 1000;
	keepTraining = false;
	await keeper;
	const result = {
		viewport: `${width}x${height}`, speed: args.speed ?? 'normal', query: args.query ?? '',
		fps: +( ( b.frames - a.frames ) / elapsed ).toFixed( 1 ),
		updatesPerSecond: +( ( b.seq - a.seq ) / elapsed ).toFixed( 1 ),
		lines: b.perf.lines, particles: b.perf.particles, meanRenderCallMs: +b.perf.meanFrameMs.toFixed( 2 ),
		pixelRatio: b.perf.pixelRatio ?? null,
		// Redraws of the cached static layer (connections, labels) and their mean cost on the main thread.
		staticRendersPerSecond: +( ( b.perf.staticRenders - a.perf.staticRenders ) / elapsed ).toFixed( 1 ),
		meanStaticRenderMs: b.perf.staticRenders > a.perf.staticRenders
			? +( ( b.perf.staticMs - a.perf.staticMs ) / ( b.perf.staticRenders - a.perf.staticRenders ) ).toFixed( 1 ) : null,
		firstRenderWallMs, load,
	};
	// A frame that failed to draw (a shader that does not compile, a lost context) is still counted:
	// any console error makes the figures worthless.
	result.consoleErrors = browser.log.consoleErrors.concat( browser.log.pageErrors );
	console.log( JSON.stringify( result, null, 2 ) );
	if ( result.consoleErrors.length ) process.exitCode = 1;
} finally {
	await browser.close();
	await server.dispose();
}
