// Preloaded into the Agents Playground (node --import): it listens on every interface and has no
// option to change that, yet it relays to an unauthenticated local-mode bot. A listen without a
// host is made a listen on 127.0.0.1, so only this machine reaches it.
import net from 'node:net';

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  if (typeof args[0] === 'number' && (args.length === 1 || typeof args[1] === 'function'))
    args.splice(1, 0, '127.0.0.1');
  return listen.apply(this, args);
};
