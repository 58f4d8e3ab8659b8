// Driven by EmulatorNodeClientTest: the official JavaScript Kubernetes client lists JobFlows, then watches
// them from the list's resourceVersion with the query parameters given as JSON, printing one line per event.
// Usage: node watch.mjs KUBECONFIG NAMESPACE '{"watch":"True",...}'
import * as k8s from '@kubernetes/client-node';

const [kubeconfig, namespace, query] = process.argv.slice(2);
const kc = new k8s.KubeConfig();
kc.loadFromFile(kubeconfig);
// The emulator serves plain HTTP; this client refuses http:// unless TLS checks are declared off.
kc.loadFromOptions({
  clusters: kc.clusters.map((c) => ({ ...c, skipTLSVerify: true })),
  users: kc.users, contexts: kc.contexts, currentContext: kc.currentContext,
});
const api = kc.makeApiClient(k8s.CustomObjectsApi);
const list = await api.listNamespacedCustomObject({
  group: 'jobflow.dev', version: 'v1alpha1', namespace, plural: 'jobflows',
});
console.log(`LIST ${list.items.length} ${list.metadata.resourceVersion}`);
const params = { resourceVersion: list.metadata.resourceVersion, ...JSON.parse(query) };
await new k8s.Watch(kc).watch(`/apis/jobflow.dev/v1alpha1/namespaces/${namespace}/jobflows`, params,
  (type, obj) => console.log(`EVENT ${type} ${obj.metadata.name} ${obj.status?.phase ?? '-'}`),
  (err) => {
    console.log(`DONE ${err ? (err.statusCode ?? err.message) : 'closed'}`);
    process.exit(0);
  });
// fetch has the response headers here: the stream is open.
console.log('OPEN');
