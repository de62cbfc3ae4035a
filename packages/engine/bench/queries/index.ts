import type { Query } from '../harness.js';
import { q3, q4, q8 } from './joins.js';
import { q0, q1, q2 } from './simple.js';
import { q5, q7, q11, q12 } from './windowed.js';

/** Every benchmark query, in the order the table lists them. */
export const queries = [q0, q1, q2, q3, q4, q5, q7, q8, q11, q12] as Query<unknown>[];
