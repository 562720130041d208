export * from './system.module.js';
