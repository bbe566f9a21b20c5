export { throttleClear as clear, throttleHit as hit, throttlePurge as purge } from '../system-auth';
