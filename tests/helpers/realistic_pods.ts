/**
 * Pods as a real kubelet's `GET /pods` and an API server's pod list give them (Kubernetes 1.28-1.30,
 * core/v1 Pod as `kubectl get pod -o json` prints a Deployment's pod): metadata with the ReplicaSet
 * owner, the usual labels and annotations and the managedFields of kube-controller-manager and the
 * kubelet (the API server keeps them, and the kubelet's pod cache holds what the API server sent);
 * a spec with the projected service-account volume, one container with env, ports, probes, resources
 * and mounts, and the two default tolerations; a status with five conditions and one container status.
 * Each pod is about 7 KB of JSON. Used to size answers (docs/orchestrators.md), not to test parsing.
 */

/** One pod, the `index`th of its list: unique uid, name and container id. */
export function realisticPod(index: number, namespace = "default"): Record<string, unknown> {
  const hex = index.toString(16).padStart(8, "0");
  const uid = `${hex}-7c1d-4f0e-9a6b-${hex}a1b2`;
  const hash = "7d9f8c6b5d";
  const name = `web-frontend-${hash}-${hex.slice(-5)}`;
  const time = "2025-03-14T09:26:53Z";
  const containerId = `${hex}${"3f9c1a7e".repeat(7)}`;
  return {
    metadata: {
      name,
      generateName: `web-frontend-${hash}-`,
      namespace,
      uid,
      resourceVersion: String(48_213_000 + index),
      creationTimestamp: time,
      labels: {
        app: "web-frontend",
        "app.kubernetes.io/name": "web-frontend",
        "app.kubernetes.io/instance": "web-frontend-prod",
        "app.kubernetes.io/version": "2.14.1",
        "pod-template-hash": hash,
      },
      annotations: {
        "kubernetes.io/config.seen": "2025-03-14T09:26:54.118353961Z",
        "kubernetes.io/config.source": "api",
        "prometheus.io/scrape": "true",
        "prometheus.io/port": "9102",
        "kubectl.kubernetes.io/restartedAt": "2025-03-14T09:26:40Z",
      },
      ownerReferences: [{
        apiVersion: "apps/v1",
        kind: "ReplicaSet",
        name: `web-frontend-${hash}`,
        uid: "5b0e2a4c-8d1f-4e3a-b7c6-9f2d1e0a3b4c",
        controller: true,
        blockOwnerDeletion: true,
      }],
      managedFields: [
        {
          manager: "kube-controller-manager",
          operation: "Update",
          apiVersion: "v1",
          time,
          fieldsType: "FieldsV1",
          fieldsV1: {
            "f:metadata": {
              "f:annotations": {
                ".": {},
                "f:kubectl.kubernetes.io/restartedAt": {},
                "f:prometheus.io/port": {},
                "f:prometheus.io/scrape": {},
              },
              "f:generateName": {},
              "f:labels": {
                ".": {},
                "f:app": {},
                "f:app.kubernetes.io/instance": {},
                "f:app.kubernetes.io/name": {},
                "f:app.kubernetes.io/version": {},
                "f:pod-template-hash": {},
              },
              "f:ownerReferences": { ".": {}, 'k:{"uid":"5b0e2a4c-8d1f-4e3a-b7c6-9f2d1e0a3b4c"}': {} },
            },
            "f:spec": {
              "f:containers": {
                'k:{"name":"web"}': {
                  ".": {},
                  "f:args": {},
                  "f:env": {
                    ".": {},
                    'k:{"name":"LOG_LEVEL"}': { ".": {}, "f:name": {}, "f:value": {} },
                    'k:{"name":"POD_NAME"}': {
                      ".": {},
                      "f:name": {},
                      "f:valueFrom": { ".": {}, "f:fieldRef": {} },
                    },
                  },
                  "f:image": {},
                  "f:imagePullPolicy": {},
                  "f:livenessProbe": {
                    ".": {},
                    "f:failureThreshold": {},
                    "f:httpGet": { ".": {}, "f:path": {}, "f:port": {}, "f:scheme": {} },
                    "f:periodSeconds": {},
                  },
                  "f:name": {},
                  "f:ports": {
                    ".": {},
                    'k:{"containerPort":8080,"protocol":"TCP"}': {
                      ".": {},
                      "f:containerPort": {},
                      "f:name": {},
                      "f:protocol": {},
                    },
                  },
                  "f:readinessProbe": { ".": {}, "f:httpGet": { ".": {}, "f:path": {}, "f:port": {} } },
                  "f:resources": {
                    ".": {},
                    "f:limits": { ".": {}, "f:cpu": {}, "f:memory": {} },
                    "f:requests": { ".": {}, "f:cpu": {}, "f:memory": {} },
                  },
                  "f:securityContext": {
                    ".": {},
                    "f:allowPrivilegeEscalation": {},
                    "f:readOnlyRootFilesystem": {},
                  },
                  "f:terminationMessagePath": {},
                  "f:terminationMessagePolicy": {},
                  "f:volumeMounts": {
                    ".": {},
                    'k:{"mountPath":"/etc/web"}': { ".": {}, "f:mountPath": {}, "f:name": {} },
                  },
                },
              },
              "f:dnsPolicy": {},
              "f:enableServiceLinks": {},
              "f:restartPolicy": {},
              "f:schedulerName": {},
              "f:securityContext": {},
              "f:serviceAccount": {},
              "f:serviceAccountName": {},
              "f:terminationGracePeriodSeconds": {},
              "f:volumes": {
                ".": {},
                'k:{"name":"config"}': {
                  ".": {},
                  "f:configMap": { ".": {}, "f:defaultMode": {}, "f:name": {} },
                  "f:name": {},
                },
              },
            },
          },
        },
        {
          manager: "kubelet",
          operation: "Update",
          apiVersion: "v1",
          time,
          fieldsType: "FieldsV1",
          fieldsV1: {
            "f:status": {
              "f:conditions": {
                'k:{"type":"ContainersReady"}': {
                  ".": {},
                  "f:lastProbeTime": {},
                  "f:lastTransitionTime": {},
                  "f:status": {},
                  "f:type": {},
                },
                'k:{"type":"Initialized"}': {
                  ".": {},
                  "f:lastProbeTime": {},
                  "f:lastTransitionTime": {},
                  "f:status": {},
                  "f:type": {},
                },
                'k:{"type":"PodReadyToStartContainers"}': {
                  ".": {},
                  "f:lastProbeTime": {},
                  "f:lastTransitionTime": {},
                  "f:status": {},
                  "f:type": {},
                },
                'k:{"type":"Ready"}': {
                  ".": {},
                  "f:lastProbeTime": {},
                  "f:lastTransitionTime": {},
                  "f:status": {},
                  "f:type": {},
                },
              },
              "f:containerStatuses": {},
              "f:hostIP": {},
              "f:hostIPs": {},
              "f:phase": {},
              "f:podIP": {},
              "f:podIPs": { ".": {}, 'k:{"ip":"10.244.3.17"}': { ".": {}, "f:ip": {} } },
              "f:startTime": {},
            },
          },
          subresource: "status",
        },
      ],
    },
    spec: {
      volumes: [
        { name: "config", configMap: { name: "web-frontend-config", defaultMode: 420 } },
        {
          name: `kube-api-access-${hex.slice(-5)}`,
          projected: {
            sources: [
              { serviceAccountToken: { expirationSeconds: 3607, path: "token" } },
              { configMap: { name: "kube-root-ca.crt", items: [{ key: "ca.crt", path: "ca.crt" }] } },
              {
                downwardAPI: {
                  items: [{
                    path: "namespace",
                    fieldRef: { apiVersion: "v1", fieldPath: "metadata.namespace" },
                  }],
                },
              },
            ],
            defaultMode: 420,
          },
        },
      ],
      containers: [{
        name: "web",
        image: "registry.example.com/shop/web-frontend:2.14.1",
        args: ["--config=/etc/web/config.yaml", "--listen=:8080", "--metrics=:9102"],
        ports: [
          { name: "http", containerPort: 8080, protocol: "TCP" },
          { name: "metrics", containerPort: 9102, protocol: "TCP" },
        ],
        env: [
          { name: "LOG_LEVEL", value: "info" },
          { name: "POD_NAME", valueFrom: { fieldRef: { apiVersion: "v1", fieldPath: "metadata.name" } } },
          { name: "POD_IP", valueFrom: { fieldRef: { apiVersion: "v1", fieldPath: "status.podIP" } } },
          { name: "NODE_NAME", valueFrom: { fieldRef: { apiVersion: "v1", fieldPath: "spec.nodeName" } } },
        ],
        resources: { limits: { cpu: "1", memory: "512Mi" }, requests: { cpu: "250m", memory: "256Mi" } },
        volumeMounts: [
          { name: "config", readOnly: true, mountPath: "/etc/web" },
          {
            name: `kube-api-access-${hex.slice(-5)}`,
            readOnly: true,
            mountPath: "/var/run/secrets/kubernetes.io/serviceaccount",
          },
        ],
        livenessProbe: {
          httpGet: { path: "/healthz", port: 8080, scheme: "HTTP" },
          timeoutSeconds: 1,
          periodSeconds: 10,
          successThreshold: 1,
          failureThreshold: 3,
        },
        readinessProbe: {
          httpGet: { path: "/ready", port: 8080, scheme: "HTTP" },
          timeoutSeconds: 1,
          periodSeconds: 10,
          successThreshold: 1,
          failureThreshold: 3,
        },
        terminationMessagePath: "/dev/termination-log",
        terminationMessagePolicy: "File",
        imagePullPolicy: "IfNotPresent",
        securityContext: { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false },
      }],
      restartPolicy: "Always",
      terminationGracePeriodSeconds: 30,
      dnsPolicy: "ClusterFirst",
      serviceAccountName: "default",
      serviceAccount: "default",
      nodeName: "node-17.prod.example.com",
      securityContext: {},
      schedulerName: "default-scheduler",
      tolerations: [
        {
          key: "node.kubernetes.io/not-ready",
          operator: "Exists",
          effect: "NoExecute",
          tolerationSeconds: 300,
        },
        {
          key: "node.kubernetes.io/unreachable",
          operator: "Exists",
          effect: "NoExecute",
          tolerationSeconds: 300,
        },
      ],
      priority: 0,
      enableServiceLinks: true,
      preemptionPolicy: "PreemptLowerPriority",
    },
    status: {
      phase: "Running",
      conditions: ["PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled"]
        .map(
          (type) => ({ type, status: "True", lastProbeTime: null, lastTransitionTime: time }),
        ),
      hostIP: "10.20.3.17",
      hostIPs: [{ ip: "10.20.3.17" }],
      podIP: "10.244.3.17",
      podIPs: [{ ip: "10.244.3.17" }],
      startTime: time,
      containerStatuses: [{
        name: "web",
        state: { running: { startedAt: time } },
        lastState: {},
        ready: true,
        restartCount: 0,
        image: "registry.example.com/shop/web-frontend:2.14.1",
        imageID:
          "registry.example.com/shop/web-frontend@sha256:9b2c1d0e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c",
        containerID: `containerd://${containerId}`,
        started: true,
      }],
      qosClass: "Burstable",
    },
  };
}

/** A PodList's JSON text of `count` realistic pods, as the kubelet or the API server sends it. */
export function realisticPodList(count: number, namespace = "default"): string {
  const pods: string[] = [];
  for (let i = 0; i < count; i++) pods.push(JSON.stringify(realisticPod(i, namespace)));
  return `{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"48213977"},"items":[${
    pods.join(",")
  }]}`;
}
