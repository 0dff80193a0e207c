export { seedDemo, type DemoResult } from './seed.ts';
export { DEMO_PROJECTS, DEMO_REPOSITORIES, DEMO_USERS } from './data.ts';
