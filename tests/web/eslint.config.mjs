// ESLint over the web page (resources/web: browser modules) and its tests (tests/web: node, and
// functions handed to the browser). Patterns are relative to the repository root: run it from
// there with `-c` naming this file where it sits next to the node_modules that
// tests/web/package-lock.json installs (tst_web_lint does: the build copies it into its npm folder).
import js from '@eslint/js';
import globals from 'globals';
import { defineConfig, globalIgnores } from 'eslint/config';

const sane = {
	eqeqeq: [ 'error', 'always', { null: 'ignore' } ],
	'no-var': 'error',
	'prefer-const': 'error',
	'no-implicit-globals': 'error',
	'no-throw-literal': 'error',
	'no-self-compare': 'error',
	'no-template-curly-in-string': 'error',
	'no-unmodified-loop-condition': 'error',
	'no-unreachable-loop': 'error',
	'no-constructor-return': 'error',
	'no-new-wrappers': 'error',
	'no-eval': 'error',
	'no-implied-eval': 'error',
	'no-return-assign': 'error',
	radix: 'error',
};

export default defineConfig( [
	// Packages, and the libraries the page loads (three.js, uPlot: copied into vendor/ at build time).
	globalIgnores( [ '**/node_modules/', '**/vendor/', '**/*.min.js', 'build/' ] ),
	{
		files: [ 'resources/web/**/*.js' ],
		extends: [ js.configs.recommended ],
		languageOptions: { ecmaVersion: 2024, sourceType: 'module', globals: globals.browser },
		// The page never logs an error to the console; warnings about ignored messages are fine.
		rules: { ...sane, 'no-console': [ 'error', { allow: [ 'warn' ] } ] },
	},
	{
		files: [ 'tests/web/**/*.{js,mjs}' ],
		extends: [ js.configs.recommended ],
		languageOptions: { ecmaVersion: 2024, sourceType: 'module', globals: globals.node },
		rules: sane,
	},
	{
		// Functions these hand to page.evaluate() run in the browser.
		files: [ 'tests/web/{e2e,lib,dev}/**/*.mjs' ],
		languageOptions: { globals: globals.browser },
	},
] );
