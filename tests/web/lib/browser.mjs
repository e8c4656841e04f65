// Launches Debian's Chromium through playwright-core (no browser download) with the flags it
// needs to run headless as root on software WebGL (no sandbox, no GPU, no background
// networking), in a fresh profile directory. Collects console errors and every request so
// tests can assert "no console errors" and "no request leaves the server's origin".
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// playwright-core comes from the build tree (NNJ_WEB_TEST_MODULES: the folder holding the
// node_modules that CMake installed from the lockfile) or, when developing, from tests/web.
const require = createRequire( process.env.NNJ_WEB_TEST_MODULES
	? `${process.env.NNJ_WEB_TEST_MODULES}/package.json` : new URL( '../package.json', import.meta.url ) );
const { chromium } = require( 'playwright-core' );

export const CHROMIUM = process.env.NNJ_CHROMIUM ?? '/usr/bin/chromium';
// NNJ_CHROMIUM_ARGS adds flags (space-separated), e.g. for benchmarking other GL paths.
const ARGS = [ '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
	'--disable-sync', '--no-first-run', '--disable-quic', '--disable-dev-shm-usage' ]
	.filter( ( flag ) => ! ( process.env.NNJ_CHROMIUM_KEEP_GPU && flag === '--disable-gpu' ) )
	.concat( ( process.env.NNJ_CHROMIUM_ARGS ?? '' ).split( ' ' ).filter( Boolean ) );

// onboarded: the profile has seen the first-visit tour (false: a first visit, the tour shows).
// askName: the page asks for a display name on the first visit (by default it was skipped).
export async function launchBrowser( { viewport = { width: 1920, height: 1080 }, colorScheme = 'dark', isMobile = false,
	hasTouch = false, deviceScaleFactor = 1, onboarded = true, askName = false } = {} ) {
	const profile = mkdtempSync( join( tmpdir(), 'nnj-chromium-' ) );
	const context = await chromium.launchPersistentContext( profile, { executablePath: CHROMIUM, headless: true, args: ARGS,
		viewport, colorScheme, isMobile, hasTouch, deviceScaleFactor } );
	if ( onboarded ) {
		await context.addInitScript( () => {
			try {
				localStorage.setItem( 'nnj.onboarding.v1', 'done' );
			} catch { /* about:blank has no storage */ }
		} );
	}
	if ( ! askName ) {
		await context.addInitScript( () => {
			try {
				if ( ! localStorage.getItem( 'nnj.name-asked.v1' ) ) localStorage.setItem( 'nnj.name-asked.v1', 'skipped' );
			} catch { /* about:blank has no storage */ }
		} );
	}
	const log = { consoleErrors: [], requests: [], pageErrors: [] };
	context.on( 'page', ( page ) => watch( page, log ) );
	for ( const page of context.pages() ) watch( page, log );
	return {
		context, log,
		async newPage() {
			const page = context.pages().find( ( p ) => p.url() === 'about:blank' && ! p.__used ) ?? await context.newPage();
			page.__used = true;
			return page;
		},
		async close() {
			await context.close();
			rmSync( profile, { recursive: true, force: true } );
		},
	};
}

function watch( page, log ) {
	if ( page.__watched ) return;
	page.__watched = true;
	page.on( 'console', ( message ) => {
		if ( message.type() === 'error' ) log.consoleErrors.push( `${page.url()}: ${message.text()}` );
	} );
	page.on( 'pageerror', ( error ) => log.pageErrors.push( `${page.url()}: ${error.message}` ) );
	page.on( 'request', ( request ) => log.requests.push( request.url() ) );
	page.on( 'websocket', ( socket ) => log.requests.push( socket.url() ) );
}

// Draws strokes (each a list of [x, y] in 0..1 of the pad) on the page's drawing pad with the
// mouse, as a person does.
export async function drawStrokes( page, strokes ) {
	const box = await page.getByTestId( 'drawing-canvas' ).boundingBox();
	for ( const stroke of strokes ) {
		const at = ( [ x, y ] ) => [ box.x + x * box.width, box.y + y * box.height ];
		await page.mouse.move( ...at( stroke[ 0 ] ) );
		await page.mouse.down();
		for ( let i = 1; i < stroke.length; ++ i ) await page.mouse.move( ...at( stroke[ i ] ), { steps: 8 } );
		await page.mouse.up();
	}
}
