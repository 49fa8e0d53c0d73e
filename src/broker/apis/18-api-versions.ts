import { ErrorCode } from '../../protocol/index.js';
import { defineHandler } from '../api.js';

// ApiVersions (18), v0-5. v1 adds throttle time; v3 is flexible and carries the client's software name and
// version (KIP-511) and the broker's features (KIP-584) as tagged fields; v4 lets a supported feature's
// MinVersion be 0 (KAFKA-17011); v5 lets the client name the cluster and node it meant to reach (KIP-1242),
// answered with REBOOTSTRAP_REQUIRED when they are not this broker's.
export default defineHandler({
  apiKey: 18,
  minVersion: 0,
  maxVersion: 5,
  handle(request, { broker, connection, version }) {
    if (version >= 3) {
      connection.clientSoftwareName = request.clientSoftwareName;
      connection.clientSoftwareVersion = request.clientSoftwareVersion;
    }
    if (version >= 5 && request.clusterId !== null && (request.clusterId !== broker.clusterId || request.nodeId !== connection.nodeId))
      return { errorCode: ErrorCode.REBOOTSTRAP_REQUIRED, apiKeys: broker.apiVersionsList() };
    const features = broker.features();
    return {
      errorCode: ErrorCode.NONE,
      apiKeys: broker.apiVersionsList(),
      throttleTimeMs: 0,
      // Before v4 a supported feature could not say MinVersion 0; Kafka reports 1 there instead.
      supportedFeatures: features.supported.map((f) => ({ ...f, minVersion: version < 4 && f.minVersion === 0 ? 1 : f.minVersion })),
      finalizedFeaturesEpoch: features.epoch,
      finalizedFeatures: features.finalized,
    };
  },
});
