// Every text the page shows to a learner about the journey: chapters, tasks, achievements, the
// tour, the teaching cards, the narration captions and the end-of-run verdict. One module, so
// the wording stays consistent and can be reviewed (or translated) in one place. Functions take
// the real numbers from the server's messages; nothing here invents a value.

// Numbers in plain notation: 0.18, not 1.8e-1.
export function plainNumber( x, digits = 2 ) {
	if ( typeof x !== 'number' ) return '–';
	if ( Number.isNaN( x ) ) return 'not a number';
	if ( ! Number.isFinite( x ) ) return x > 0 ? 'infinite' : '−infinite';
	if ( x === 0 ) return '0';
	const magnitude = Math.abs( x );
	if ( magnitude >= 1000 ) return Math.round( x ).toLocaleString( 'en-US' );
	if ( magnitude < 1e-6 ) return x > 0 ? 'almost 0' : '−almost 0';
	const decimals = Math.max( 0, digits - 1 - Math.floor( Math.log10( magnitude ) ) );
	return String( Number( x.toFixed( Math.min( 8, decimals ) ) ) );
}

export function percent( fraction, digits = 1 ) {
	return typeof fraction === 'number' && Number.isFinite( fraction ) ? `${( fraction * 100 ).toFixed( digits )}%` : '–';
}

const ACTIVATION_NAMES = { relu: 'ReLU', sigmoid: 'Sigmoid', tanh: 'Tanh' };

// "784 → 128 → 64 → 10, ReLU" (one function name when all hidden layers share it).
export function architectureText( sizes, activations = [] ) {
	const names = sizes.slice( 1, - 1 ).map( ( _, i ) => ACTIVATION_NAMES[ activations[ i ] ?? 'relu' ] ?? activations[ i ] );
	const unique = [ ...new Set( names ) ];
	const functions = unique.length === 1 ? unique[ 0 ] : names.join( ', ' );
	return `${sizes.join( ' → ' )}${names.length ? `, ${functions}` : ''}`;
}

// Dense layer k (1-based) of a network with `layers` dense layers, in words.
export function layerName( k, layers ) {
	return k >= layers ? 'the output layer' : `hidden layer ${k}`;
}

export const FOCUS = {
	name: 'the digit we follow',
	explain: 'Each batch, the network shows you one of its training images — the first of the batch — so you can see what it does with it.',
};

export const CHAPTERS = {
	neuron: { title: 'Meet a neuron', hint: 'Press Train with teaching mode on, then click a neuron in the first hidden layer to see the picture it looks for.' },
	forward: { title: 'The forward pass', hint: 'Open "Draw a digit", draw one and press Predict: watch the layers light up one after another.' },
	learning: { title: 'How it learns', hint: 'Train with teaching mode on and watch the backward pass; keep going until the test accuracy passes 90%.' },
	'going-wrong': { title: 'When learning goes wrong', hint: 'Set the learning rate to 0.5 or more and train: watch the loss blow up. Then try Sigmoid with a tiny learning rate.' },
	choices: { title: 'Your choices', hint: 'Train with ReLU and then with Tanh or Sigmoid (Architecture…), and compute a loss landscape in the learning views.' },
};

export const TASKS = {
	'watch-forward-pass': 'Watch a forward pass',
	'inspect-neuron': 'Inspect a first-layer neuron',
	'read-glossary': 'Read a glossary entry',
	'draw-digit': 'Draw a digit and get a prediction',
	'watch-sweep': 'Watch your drawing flow through the layers',
	'open-features': 'Open the features gallery',
	'start-training': 'Train to the end of an epoch',
	'see-backward': 'See the backward pass',
	'reach-90': 'Reach 90% test accuracy',
	diverge: 'Make training diverge (learning rate ≥ 0.5)',
	'see-plateau-or-stuck': 'See a plateau or a stuck run',
	'find-dead-neuron': 'Find dead neurons',
	'compare-activations': 'Train with two activation functions',
	'change-architecture': 'Change the architecture',
	'explore-landscape': 'Explore the loss landscape',
};

// Achievement texts; thresholds come from the shared structure so the numbers shown are the rule.
export function achievementText( achievement ) {
	switch ( achievement.id ) {
	case 'first-prediction': return { title: 'First prediction', rule: 'Draw a digit and get the network\'s answer.' };
	case 'accuracy-90':
	case 'accuracy-95':
	case 'accuracy-98':
		return { title: `Accuracy ${percent( achievement.threshold, 0 )}`,
			rule: `A test accuracy of at least ${percent( achievement.threshold, 1 )} at the end of an epoch.` };
	case 'survived-divergence': return { title: 'Survived a divergence', rule: 'After a run diverged, train one that learns.' };
	case 'explorer': return { title: 'Explorer', rule: `Open all ${achievement.views} learning views.` };
	case 'architect': return { title: 'Architect', rule: `Train ${achievement.architectures} different architectures to the end of an epoch.` };
	default: return { title: achievement.id, rule: '' };
	}
}

export const ONBOARDING = [
	{ target: 'network-canvas', title: 'This is the network', text: 'Every ball is a neuron: 784 input pixels on the left, then the hidden layers, then 10 outputs, one per digit. The stronger its teal, the more a neuron fires. Drag to turn it, click a neuron to look inside.', terms: [ 'neuron', 'activation' ] },
	{ target: 'play-pause', title: 'Train it', text: 'Train starts a real run on 60,000 handwritten digits. Space starts and pauses. Teaching mode stops at the key moments and explains them with this run\'s numbers.', terms: [ 'epoch', 'batch' ] },
	{ target: 'open-drawing', title: 'Draw a digit', text: 'Draw 0–9 and the network answers from its current weights — untrained at first, good after one epoch.', terms: [ 'softmax' ] },
	{ target: 'chart', title: 'Watch it learn', text: 'The loss (how wrong the network is) should fall and the accuracy rise. If the loss shoots up, the learning rate is too big.', terms: [ 'loss', 'learning-rate' ] },
	{ target: 'journey', title: 'Your journey', text: 'Five chapters of small tasks. They tick themselves when you really do them. Help (?) brings this tour and the glossary back.', terms: [] },
];

export const MOMENT_KINDS = [ 'first_forward', 'first_backward', 'high_loss', 'divergence', 'plateau', 'epoch_end', 'dead_units', 'confident_mistake' ];

export const MOMENT_LABELS = {
	first_forward: 'The first forward pass',
	first_backward: 'The first backward pass',
	high_loss: 'The loss is high',
	divergence: 'Training is diverging',
	plateau: 'A plateau',
	epoch_end: 'The first epoch is done',
	dead_units: 'Dead neurons',
	confident_mistake: 'A confident mistake',
};

export const MOMENT_TERMS = {
	first_forward: [ 'activation', 'softmax' ],
	first_backward: [ 'gradient', 'backpropagation' ],
	high_loss: [ 'loss', 'cross-entropy' ],
	divergence: [ 'learning-rate', 'loss' ],
	plateau: [ 'loss', 'learning-rate' ],
	epoch_end: [ 'epoch', 'test-set', 'overfitting' ],
	dead_units: [ 'relu', 'activation' ],
	confident_mistake: [ 'softmax', 'loss' ],
};

// The card's explanation from the moment's own numbers (`data`, else the message's fields), or
// the server's text. run: {architecture, activations} of the network, for the first forward pass.
export function momentText( m, run = null ) {
	const d = m.data ?? {};
	const output = m.activations?.[ m.activations.length - 1 ];
	const label = d.label ?? m.label, guess = d.guess ?? m.prediction;
	const loss = d.loss ?? m.stats?.loss;
	switch ( m.reason ) {
	case 'first_forward': {
		const confidence = d.confidence ?? output?.[ guess ];
		if ( typeof label !== 'number' || typeof confidence !== 'number' || ! run ) return m.message ?? '';
		return `The first forward pass: ${d.batch_size ?? 'a batch of'} images went through ${architectureText( run.architecture, run.activations )}. ` +
			`For this ${label} the untrained network guessed ${guess} (${percent( confidence )} sure). Loss ${plainNumber( loss, 3 )} — ` +
			'guessing at random among 10 digits gives about 2.3.';
	}
	case 'first_backward':
		if ( typeof d.strongest_layer !== 'number' ) return m.message ?? '';
		return 'The first backward pass: the error flowed back from the outputs and every weight got a gradient. ' +
			`The strongest push is in ${layerName( d.strongest_layer, ( run?.architecture.length ?? 2 ) - 1 )} ` +
			`(average size ${plainNumber( d.strongest_gradient )}). With a learning rate of ${plainNumber( d.learning_rate )} each weight ` +
			`takes a small step downhill. Loss now ${plainNumber( loss, 3 )}.`;
	case 'high_loss':
		if ( typeof loss !== 'number' ) return m.message ?? '';
		return `The loss is ${plainNumber( loss, 3 )}: the network is still often wrong (batch accuracy ` +
			`${percent( d.accuracy ?? m.stats?.accuracy )}). Each wrong answer pushes the weights; watch the loss fall.`;
	case 'divergence':
		if ( d.non_finite ) return `The loss is no longer a number: the steps were so big that the weights blew up. The learning rate is ${plainNumber( d.learning_rate )}: try 0.01–0.1.`;
		return `The loss has risen for ${d.rising_batches} batches in a row: ${plainNumber( d.loss )} now, against its lowest ${plainNumber( d.min_loss )} at batch ${d.min_loss_batch}. With a learning rate of ${plainNumber( d.learning_rate )} each step overshoots the valley. Try a smaller one.`;
	case 'plateau':
	{
		const saturating = run?.activations?.some( ( a ) => a === 'sigmoid' || a === 'tanh' );
		const advice = d.learning_rate >= 0.5
			? `A learning rate this big (${plainNumber( d.learning_rate )}) makes every step overshoot, so the loss only bounces around: try 0.01–0.1.`
			: `A larger learning rate (now ${plainNumber( d.learning_rate )})${saturating ? ', or ReLU instead of Sigmoid or Tanh,' : ''} often gets it moving.`;
		return `Over the last ${d.batches} batches the loss barely moved: ${plainNumber( d.loss_before, 3 )} → ${plainNumber( d.loss, 3 )}. The network is on a flat stretch. ${advice}`;
	}
	case 'epoch_end':
		return `After one pass over all the training images the network gets ${percent( d.test_accuracy )} of the 10,000 test digits right — digits it never trained on. On the training images: ${percent( d.train_accuracy )}. Close numbers mean it learned the digits, not the images.`;
	case 'dead_units':
		return `${d.dead} of the ${d.units} neurons of hidden layer ${d.layer} (${percent( d.fraction, 0 )}) gave 0 for every test image: they are dead. A dead ReLU neuron gets no gradient, so it can never learn again.`;
	case 'confident_mistake':
		return `This is a ${d.label}, but the network is ${percent( d.confidence )} sure it is a ${d.guess}. It gives the true digit only ${percent( d.true_probability )}; its second choice is ${d.runner_up} (${percent( d.runner_up_probability )}). A confident mistake costs a big loss, so this image pushes the weights hard.`;
	default:
		return m.message ?? '';
	}
}

export const BACKWARD_LEGEND = 'How much each output should move: the true digit is pushed up, the others down.';

// A narration caption in plain words from the message's numbers; the server's text otherwise.
export function narrationText( n ) {
	switch ( n.kind ) {
	case 'epoch_result':
		return `Epoch ${n.epoch} done: ${percent( n.value )} of the test digits are right (training batches: ${percent( n.previous )}).`;
	case 'learning_rate_changed':
		return `The learning rate went from ${plainNumber( n.previous )} to ${plainNumber( n.value )}: the steps downhill are now ${n.value > n.previous ? 'bigger' : 'smaller'}.`;
	case 'loss_rising':
		return `The loss is rising: ${plainNumber( n.value )} now, up from ${plainNumber( n.previous )} at batch ${n.since_batch}.`;
	case 'loss_halved':
		return `The loss has halved: ${plainNumber( n.value )} now, from ${plainNumber( n.previous )} at batch ${n.since_batch}.`;
	case 'focus_mistake':
		return `The digit we follow is a ${n.label}, but the network reads a ${n.guess} (${percent( n.confidence )} sure; ${percent( n.label_probability )} for the ${n.label}).`;
	default:
		return typeof n.text === 'string' ? n.text : '';
	}
}

// The end-of-run text from the server's verdict.
export function verdictText( v ) {
	if ( ! v ) return null;
	// The server's reason already gives the run's numbers; without one, say them here.
	const facts = v.reason || `The loss went from ${plainNumber( v.initial_loss, 3 )} to ${plainNumber( v.final_loss, 3 )}, test accuracy ${percent( v.test_accuracy )}.`;
	switch ( v.outcome ) {
	case 'learned':
		return { title: `Test accuracy ${percent( v.test_accuracy )} — draw a digit to try it`, detail: v.reason ?? '', action: 'draw' };
	case 'diverged':
		return { title: 'Training diverged', detail: `${facts} The learning rate was too big: each step overshot. Try 0.01–0.1 and train again.` };
	case 'stuck':
		return { title: 'The network got stuck', detail: `${facts} Try a larger learning rate, more epochs, or ReLU.` };
	case 'stopped':
		return { title: 'You stopped the run', detail: `${v.reason ?? ''}${Number.isFinite( v.test_accuracy ) ? ` Test accuracy so far: ${percent( v.test_accuracy )}.` : ''}` };
	default:
		return { title: 'The run failed', detail: v.reason ?? '' };
	}
}

export const SPEED_NAMES = { step: 'Step', narrated: 'Narrated', normal: 'Normal', fast: 'Fast', custom: 'Custom' };

// ---- The classroom: names, control, following the presenter, the class gallery ---------------
// Names come from other people: callers put them into the page with textContent only.
export const CLASS = {
	title: 'Class',
	you: 'you',
	guest: ( id ) => `Guest ${id}`,
	roles: { presenter: 'presenter', driver: 'drives', viewer: 'watching' },
	device: { phone: 'on a phone', computer: 'on a computer' },
	handRaised: 'hand raised',
	since: ( minutes ) => ( minutes < 1 ? 'just now' : minutes < 60 ? `${minutes} min`
		: `${Math.floor( minutes / 60 )} h${minutes % 60 ? ` ${minutes % 60} min` : ''}` ),
	sinceTitle: ( text ) => ( text === 'just now' ? 'joined just now' : `joined ${text} ago` ),
	nobody: 'Nobody else is here yet. Invite the class to join.',
	giveControl: 'Give control',
	giveControlTitle: ( name ) => `Let ${name} run the training (start, pause, speed, learning rate, architecture)`,
	takeBack: 'Take back',
	takeBackTitle: ( name ) => `Take the controls back from ${name}`,
	giveBack: 'Give back',
	giveBackTitle: 'Hand the controls back to the presenter',
	raiseHand: 'Raise hand',
	lowerHand: 'Lower hand',
	raiseHandTitle: 'Ask the presenter to let you drive the run',
	presenterDrives: 'The presenter drives',
	youDrive: 'You drive',
	drives: ( name ) => `${name} drives`,
	drivingNote: 'The presenter handed you the controls: start, pause, the speed and the learning rate are yours until you give them back.',
	viewerNote: 'You are watching the shared run. Raise your hand to ask the presenter for the controls. Drawing and predicting work for everyone.',
	granted: 'You have the controls now.',
	revoked: 'The presenter has the controls again.',
	handUp: 'Your hand is up: the presenter sees it.',
	// The first-visit question (skippable).
	askName: 'What is your name?',
	askNameHelp: 'The presenter and the class see it next to your drawings. Up to 24 characters.',
	namePlaceholder: 'Your name',
	join: 'Join',
	skip: 'Skip',
	nameLabel: 'Your name',
	changeName: 'Change',
	noName: 'no name yet',
	// Who drives: the small badge in the header.
	// Inviting the class (presenter only, on request).
	invite: 'Invite the class',
	inviteTitle: 'Invite the class',
	studentsLink: 'Students: open this address (or scan the code). They watch, draw and can raise a hand.',
	copy: 'Copy',
	copied: 'Copied.',
	copyFailed: 'Could not copy: select the address and copy it by hand.',
	showPresenterLink: 'Show the presenter link',
	hidePresenterLink: 'Hide the presenter link',
	presenterLink: 'Presenter link: whoever opens it can control everything. Do not show it to the class.',
	noPresenterLink: 'This page has no join token (it controls because it runs on the server\'s own computer): the presenter link is the one the server printed when it started.',
	loopbackWarning: 'This page is open at the server\'s own address, which other devices cannot reach. Start the server with --lan and open the page at its network address to get a link the class can use.',
	qrUnavailable: 'The QR code could not be drawn (its library did not load); the address above works.',
	qrCaption: ( what ) => `QR code of the ${what} link`,
	close: 'Close',
	// Following the presenter.
	following: 'Following the presenter',
	breakAway: 'Break away',
	breakAwayTitle: 'Look around on your own; the presenter\'s moves stop moving your view',
	followAgain: 'Follow again',
	freeLooking: 'Looking around on your own',
	followTitle: 'Go back to the presenter\'s view',
	// The class gallery and the drawing pad for the class.
	galleryTitle: 'Class gallery',
	galleryEmpty: 'No drawings yet. Draw a digit and send it to the class.',
	galleryCount: ( n ) => `${n} drawing${n === 1 ? '' : 's'}`,
	galleryItem: ( name, digit, p ) => `${name}'s drawing: the network says ${digit} (${p})`,
	galleryShown: 'in the network now',
	show: 'Show in network',
	showTitle: 'Light up everyone\'s network with this drawing',
	hide: 'Hide',
	hideTitle: 'Remove this drawing from the gallery',
	clearAll: 'Clear all',
	clearAllConfirm: 'Remove every drawing from the class gallery?',
	shownToast: ( name, digit, p ) => `In the network now: ${name}'s drawing. The network says ${digit} (${p}).`,
	padTitle: 'Draw for the class',
	padHint: 'Draw 0–9 here',
	padSees: 'What the network sees',
	submit: 'Send to the class',
	submitTitle: 'Send your drawing to the class gallery: the server\'s network reads it',
	clear: 'Clear',
	submitted: ( guess ) => `Sent to the class gallery: the network reads it as ${guess}.`,
	submittedShort: ( guess ) => `Sent: read as ${guess}`,
	drawFirst: 'Draw a digit first.',
	notConnected: 'Not connected to the server: try again in a moment.',
	rateLimited: ( seconds ) => `Easy there: the class gallery takes one drawing every 5 s from each person. Send the next one in ${seconds} s.`,
	wait: ( seconds ) => `Wait ${seconds} s`,
	refused: ( message ) => `Not allowed: ${message}`,
};
