// Narration captions: the `narration` messages of the Narrated speed, one at a time in a bar over
// the bottom of the 3D view. Each stays at least MIN_MS (time to read it); a newer one waits for
// that, and only the latest waiting one is kept. The queue is pure (time passed in) for the tests.
export const CAPTION_MIN_MS = 3000;
export const CAPTION_MAX_MS = 9000;

export class CaptionQueue {
	constructor() {
		this.current = null; // {item, since}
		this.waiting = null;
	}

	// Returns the item to show now, or null when it has to wait.
	push( item, now ) {
		if ( ! this.current || now - this.current.since >= CAPTION_MIN_MS ) {
			this.current = { item, since: now };
			this.waiting = null;
			return item;
		}
		this.waiting = item;
		return null;
	}

	// Called on a timer: what to show now ({show}), hide ({hide: true}) or nothing ({}).
	tick( now ) {
		if ( ! this.current ) return {};
		const age = now - this.current.since;
		if ( this.waiting && age >= CAPTION_MIN_MS ) {
			const item = this.waiting;
			this.waiting = null;
			this.current = { item, since: now };
			return { show: item };
		}
		if ( age >= CAPTION_MAX_MS ) {
			this.current = null;
			return { hide: true };
		}
		return {};
	}

	clear() {
		this.current = null;
		this.waiting = null;
	}
}
