/**
 * The Scalekit SDK, loaded on the bot's first call to Scalekit rather than at start. It is the
 * heaviest of the bot's dependencies (its gRPC descriptors for every Scalekit API, Connect,
 * protobuf: about 50 MiB of memory and a third of a second to load on the bench machine), and
 * nothing before the bot listens needs it: the start-up check of the credentials is one plain
 * OAuth request (credentialCheck.ts). In the bundle `npm start` runs, these `import()`s become a
 * chunk of their own that is read only then.
 */
import type { ScalekitClient } from '@scalekit-sdk/node';

export interface ScalekitSdk {
  ScalekitClient: typeof import('@scalekit-sdk/node').ScalekitClient;
  ScalekitServerException: typeof import('@scalekit-sdk/node').ScalekitServerException;
  ConnectorStatus: typeof import('@scalekit-sdk/node/lib/pkg/grpc/scalekit/v1/connected_accounts/connected_accounts_pb.js').ConnectorStatus;
  Code: typeof import('@connectrpc/connect').Code;
}

export type ActionsClient = ScalekitClient['actions'];

let loading: Promise<ScalekitSdk> | undefined;
let sdk: ScalekitSdk | undefined;

export function loadScalekitSdk(): Promise<ScalekitSdk> {
  loading ??= Promise.all([
    import('@scalekit-sdk/node'),
    import('@scalekit-sdk/node/lib/pkg/grpc/scalekit/v1/connected_accounts/connected_accounts_pb.js'),
    import('@connectrpc/connect'),
  ]).then(([main, accounts, connect]) => {
    sdk = {
      ScalekitClient: main.ScalekitClient,
      ScalekitServerException: main.ScalekitServerException,
      ConnectorStatus: accounts.ConnectorStatus,
      Code: connect.Code,
    };
    return sdk;
  });
  return loading;
}

/** The SDK if it has been loaded: an error or an answer from the SDK means it has. */
export function loadedScalekitSdk(): ScalekitSdk | undefined {
  return sdk;
}
