export { loginLookup as lookup, signInWithPassword as withPassword } from '../system-auth';
