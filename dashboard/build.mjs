// Placeholder build: the React dashboard replaces this (see the dashboard issue).
import { cpSync, mkdirSync } from 'node:fs';
mkdirSync(new URL('./dist/', import.meta.url), { recursive: true });
cpSync(new URL('./src/index.html', import.meta.url), new URL('./dist/index.html', import.meta.url));
