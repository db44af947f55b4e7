// One Jotai store for the app, so plain modules (the fetch client) can read the session
// without being React components.
import { createStore } from 'jotai';

export const store = createStore();
