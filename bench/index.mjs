// The benchmarks `npm run bench` knows, in the order they run. To add one, write a module in
// bench/ whose default export is { name, description, needsBuild?, run(context) -> rows } (see
// cold-start.mjs) and list it here.
import coldStart from './cold-start.mjs';
import chatList from './chat-list.mjs';
import relayOverhead from './relay-overhead.mjs';
import relayFloor from './relay-floor.mjs';
import relayObservability from './relay-observability.mjs';
import socketFanout from './socket-fanout.mjs';

export const benchmarks = [
  coldStart,
  chatList,
  relayOverhead,
  relayObservability,
  socketFanout,
  relayFloor,
];
