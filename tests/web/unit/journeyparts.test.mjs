// The journey's pure parts: narration captions stay long enough to read, the speed slider's
// presets and custom paces, the pace meter, glossary links in running text, and the wording of
// numbers, architectures, moments and verdicts from real message fields.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { CaptionQueue, CAPTION_MIN_MS, CAPTION_MAX_MS } from '../../../resources/web/captions.js';
import { sliderToSpeed, speedToSlider, PRESET_POSITIONS, PaceMeter, SLIDER_MAX } from '../../../resources/web/pace.js';
import { linkSegments, searchTerms } from '../../../resources/web/glossary.js';
import { plainNumber, architectureText, narrationText, momentText, verdictText, MOMENT_KINDS, MOMENT_LABELS, MOMENT_TERMS }
	from '../../../resources/web/strings.js';
import { outputGradient } from '../../../resources/web/teaching.js';

const glossary = JSON.parse( readFileSync( new URL( '../../../resources/journey/glossary.json', import.meta.url ), 'utf8' ) );

test( 'a caption stays at least 3 s; a newer one waits, the latest waiting wins; old ones go', () => {
	const q = new CaptionQueue();
	assert.equal( q.push( 'a', 0 ), 'a' );
	assert.equal( q.push( 'b', 1000 ), null, 'a has been up for 1 s only' );
	assert.equal( q.push( 'c', 2000 ), null );
	assert.deepEqual( q.tick( 2999 ), {} );
	assert.deepEqual( q.tick( CAPTION_MIN_MS ), { show: 'c' }, 'b was replaced by the newer c' );
	assert.equal( q.push( 'd', CAPTION_MIN_MS + CAPTION_MIN_MS ), 'd', 'c had its 3 s' );
	assert.deepEqual( q.tick( 2 * CAPTION_MIN_MS + CAPTION_MAX_MS ), { hide: true } );
	assert.deepEqual( q.tick( 1e9 ), {} );
} );

test( 'the speed slider: presets at their marks, custom paces between, the ends are Step and Fast', () => {
	assert.deepEqual( sliderToSpeed( 0 ), { mode: 'step' } );
	assert.deepEqual( sliderToSpeed( SLIDER_MAX ), { mode: 'fast' } );
	assert.deepEqual( sliderToSpeed( PRESET_POSITIONS.narrated ), { mode: 'narrated' } );
	assert.deepEqual( sliderToSpeed( PRESET_POSITIONS.normal + 1 ), { mode: 'normal' } );
	const between = sliderToSpeed( 35 );
	assert.ok( between.pace > 5 && between.pace < 50, JSON.stringify( between ) );
	assert.ok( sliderToSpeed( 1 ).pace > 1 && sliderToSpeed( 99 ).pace >= 1000, 'the ends of the custom range' );
	for ( const mode of [ 'step', 'narrated', 'normal', 'fast' ] ) assert.deepEqual( sliderToSpeed( speedToSlider( mode ) ), { mode } );
	assert.equal( speedToSlider( 'custom', 0 ), SLIDER_MAX, 'custom without a limit sits at Fast' );
	const back = sliderToSpeed( speedToSlider( 'custom', 12 ) ).pace;
	assert.ok( Math.abs( back - 12 ) / 12 < 0.1, `12/s comes back as ${back}` );
} );

test( 'the pace meter measures batches per second over the last seconds', () => {
	const m = new PaceMeter( 3000 );
	assert.equal( m.rate( 0 ), null );
	for ( let t = 0; t <= 4000; t += 100 ) m.add( t, t / 20 ); // 50 batches/s
	assert.ok( Math.abs( m.rate( 4000 ) - 50 ) < 1e-9 );
	assert.equal( m.rate( 8000 ), null, 'no updates for a while: unknown, not stale' );
	m.add( 5000, 1 ); // a new run starts over
	assert.equal( m.samples.length, 1 );
} );

test( 'glossary terms are linked at their first mention, plurals included, never inside other words', () => {
	const segments = linkSegments( 'The loss rose: lower the learning rate. Losses, loss again, and the neurons of a ReLU layer.', glossary.terms );
	const links = segments.filter( ( s ) => s.term ).map( ( s ) => `${s.text}=${s.term}` );
	assert.deepEqual( links, [ 'loss=loss', 'learning rate=learning-rate', 'neurons=neuron', 'ReLU=relu' ] );
	assert.equal( segments.map( ( s ) => s.text ).join( '' ), 'The loss rose: lower the learning rate. Losses, loss again, and the neurons of a ReLU layer.' );
	assert.deepEqual( linkSegments( 'Overweight biasing', glossary.terms ).filter( ( s ) => s.term ), [] );
	assert.equal( glossary.terms.length, 18 );
	assert.deepEqual( searchTerms( glossary.terms, 'learning' ).map( ( t ) => t.id ).includes( 'learning-rate' ), true );
	assert.equal( searchTerms( glossary.terms, '' ).length, 18 );
	assert.equal( searchTerms( glossary.terms, 'zzzz' ).length, 0 );
} );

test( 'numbers and architectures in plain words', () => {
	assert.equal( plainNumber( 0.18 ), '0.18' );
	assert.equal( plainNumber( 0.1834 ), '0.18' );
	assert.equal( plainNumber( 2.3026 ), '2.3' );
	assert.equal( plainNumber( 0.00012 ), '0.00012' );
	assert.equal( plainNumber( 12345.6 ), '12,346' );
	assert.equal( plainNumber( Infinity ), 'infinite' );
	assert.equal( plainNumber( NaN ), 'not a number' );
	assert.equal( architectureText( [ 784, 128, 64, 10 ], [ 'relu', 'relu' ] ), '784 → 128 → 64 → 10, ReLU' );
	assert.equal( architectureText( [ 784, 32, 16, 10 ], [ 'relu', 'tanh' ] ), '784 → 32 → 16 → 10, ReLU, Tanh' );
} );

test( 'narration, moment and verdict texts carry the message numbers', () => {
	assert.equal( narrationText( { kind: 'loss_halved', value: 0.61, previous: 1.25, since_batch: 40 } ),
		'The loss has halved: 0.61 now, from 1.3 at batch 40.' );
	assert.match( narrationText( { kind: 'epoch_result', epoch: 1, value: 0.9312, previous: 0.88 } ), /Epoch 1 done: 93\.1% .*88\.0%/ );
	assert.equal( narrationText( { kind: 'new_kind', text: 'server words' } ), 'server words' );
	assert.match( momentText( { reason: 'divergence', data: { loss: 9.1, min_loss: 0.52, min_loss_batch: 31, rising_batches: 20, non_finite: false, learning_rate: 5 } } ),
		/20 batches .*9\.1 now.*0\.52 at batch 31.*learning rate of 5/ );
	assert.match( momentText( { reason: 'confident_mistake', data: { label: 4, guess: 9, confidence: 0.93, runner_up: 4,
		runner_up_probability: 0.05, true_probability: 0.05 } } ), /This is a 4.*93\.0% sure it is a 9/ );
	assert.equal( momentText( { reason: 'first_forward', message: 'server text' } ), 'server text' );
	assert.equal( MOMENT_KINDS.length, 8 );
	for ( const k of MOMENT_KINDS ) assert.ok( MOMENT_LABELS[ k ] && MOMENT_TERMS[ k ].length, k );
	assert.equal( verdictText( { outcome: 'learned', test_accuracy: 0.972 } ).title, 'Test accuracy 97.2% — draw a digit to try it' );
	assert.match( verdictText( { outcome: 'diverged', test_accuracy: 0.098, initial_loss: 2.3, final_loss: NaN, reason: 'The loss became NaN.' } ).detail,
		/^The loss became NaN\. The learning rate was too big/ );
	// Without the server's reason the numbers are said here, once.
	assert.match( verdictText( { outcome: 'stuck', test_accuracy: 0.227, initial_loss: 2.32, final_loss: 2.27 } ).detail,
		/^The loss went from 2\.32 to 2\.27, test accuracy 22\.7%\. Try a larger learning rate/ );
} );

test( 'the backward card shows the signed output gradient of the digit we follow', () => {
	const given = { focus_output_gradient: [ 0.1, - 0.8, 0.7 ] };
	assert.deepEqual( outputGradient( given ), [ 0.1, - 0.8, 0.7 ] );
	// Without the field: p - onehot(label) from the output probabilities the moment carries.
	const computed = outputGradient( { label: 1, activations: [ [ 0 ], [ 0.25, 0.5, 0.25 ] ] } );
	assert.deepEqual( computed, [ 0.25, - 0.5, 0.25 ] );
	assert.equal( outputGradient( { activations: [] } ), null );
} );
