// Copies the raw screenshots named in images.txt into the documentation's image folder, each
// scaled to the width the list gives (Chromium's canvas does the scaling, so the screenshots need
// nothing more than the browser they were taken with). Fails, naming them, when a listed raw
// screenshot is missing.
// Usage: node scripts/screenshots.d/finish.mjs <images.txt> <raw-dir> <out-dir>
import { readFileSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { launchBrowser } from '../../tests/web/lib/browser.mjs';

const [ list, raw, out ] = process.argv.slice( 2 );
if ( ! list || ! raw || ! out ) {
	console.error( 'usage: node scripts/screenshots.d/finish.mjs <images.txt> <raw-dir> <out-dir>' );
	process.exit( 2 );
}
// One image a line: "<name in docs/images> <raw file> <width in pixels>"; # starts a comment.
const images = readFileSync( list, 'utf8' ).split( '\n' ).map( ( line ) => line.replace( /#.*/, '' ).trim() ).filter( Boolean )
	.map( ( line ) => {
		const [ name, source, width ] = line.split( /\s+/ );
		return { name, source, width: Number( width ) };
	} );
const missing = images.filter( ( { source } ) => ! existsSync( `${raw}/${source}` ) );
mkdirSync( out, { recursive: true } );
const browser = await launchBrowser( { viewport: { width: 800, height: 600 } } );
const page = await browser.newPage();
let total = 0;
for ( const { name, source, width } of images.filter( ( image ) => ! missing.includes( image ) ) ) {
	const input = `data:image/png;base64,${readFileSync( `${raw}/${source}` ).toString( 'base64' )}`;
	const output = await page.evaluate( async ( [ url, wanted ] ) => {
		const image = new Image();
		image.src = url;
		await image.decode();
		// Halve repeatedly, then one last step: a smoother result than one big jump.
		let canvas = document.createElement( 'canvas' );
		canvas.width = image.naturalWidth;
		canvas.height = image.naturalHeight;
		canvas.getContext( '2d' ).drawImage( image, 0, 0 );
		while ( canvas.width > wanted ) {
			const w = Math.max( wanted, Math.round( canvas.width / 2 ) );
			const next = document.createElement( 'canvas' );
			next.width = w;
			next.height = Math.round( canvas.height * w / canvas.width );
			const context = next.getContext( '2d' );
			context.imageSmoothingQuality = 'high';
			context.drawImage( canvas, 0, 0, next.width, next.height );
			canvas = next;
		}
		// 5 bits a channel: the same picture to the eye, and a third smaller as a PNG.
		const context = canvas.getContext( '2d' );
		const pixels = context.getImageData( 0, 0, canvas.width, canvas.height );
		for ( let i = 0; i < pixels.data.length; ++ i ) if ( i % 4 !== 3 ) pixels.data[ i ] = Math.min( 255, ( pixels.data[ i ] & 0xf8 ) + 4 );
		context.putImageData( pixels, 0, 0 );
		return canvas.toDataURL( 'image/png' );
	}, [ input, width ] );
	const bytes = Buffer.from( output.split( ',' )[ 1 ], 'base64' );
	writeFileSync( `${out}/${name}`, bytes );
	total += bytes.length;
	console.log( `wrote ${out}/${name} (${Math.round( bytes.length / 1024 )} KB)` );
}
await browser.close();
console.log( `${images.length - missing.length} images, ${Math.round( total / 1024 )} KB in all` );
if ( missing.length ) {
	console.error( `missing raw screenshots: ${missing.map( ( { source } ) => source ).join( ', ' )}` );
	process.exit( 1 );
}
