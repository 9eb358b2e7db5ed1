/**
 * A TCP port on 127.0.0.1 nobody listens on right now (the OS picks it): for a child process to bind,
 * or, used as is, a port that refuses connections. One implementation, in @berth/testing.
 */
export { freeLoopbackPort as freePort } from '@berth/testing';
