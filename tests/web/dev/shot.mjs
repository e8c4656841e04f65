// DEVELOPMENT ONLY: screenshots of a running page at desktop and phone size, dark and light.
// Usage: node tests/web/dev/shot.mjs <url> <out-dir> [wait-ms]
import { launchBrowser } from '../lib/browser.mjs';
const [ url, out, wait = '2500' ] = process.argv.slice( 2 );
for ( const [ name, options ] of [ [ 'desktop', { viewport: { width: 1920, height: 1080 } } ],
	[ 'phone', { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 } ] ] ) {
	for ( const scheme of [ 'dark', 'light' ] ) {
		const browser = await launchBrowser( { ...options, colorScheme: scheme } );
		const page = await browser.newPage();
		await page.goto( url );
		await page.waitForTimeout( Number( wait ) );
		await page.screenshot( { path: `${out}/${name}-${scheme}.png`, fullPage: name === 'phone' } );
		console.log( name, scheme, JSON.stringify( browser.log.consoleErrors.concat( browser.log.pageErrors ) ) );
		await browser.close();
	}
}
