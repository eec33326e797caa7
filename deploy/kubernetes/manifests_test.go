package kubernetes

import (
	"bytes"
	"net"
	"net/url"
	"os"
	"slices"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/yaml"
)

// decode reads the documents of a manifest file strictly (an unknown or
// misspelt field is an error) into the API type each names.
func decode(t *testing.T, path string) []any {
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	var out []any
	for doc := range bytes.SplitSeq(data, []byte("\n---\n")) {
		var meta struct{ APIVersion, Kind string }
		require.NoError(t, yaml.Unmarshal(doc, &meta), path)
		var obj any
		switch meta.APIVersion + " " + meta.Kind {
		case "apps/v1 Deployment":
			obj = &appsv1.Deployment{}
		case "v1 Service":
			obj = &corev1.Service{}
		case "batch/v1 Job":
			obj = &batchv1.Job{}
		default:
			t.Fatalf("%s: unexpected %s %s", path, meta.APIVersion, meta.Kind)
		}
		require.NoError(t, yaml.UnmarshalStrict(doc, obj), path)
		out = append(out, obj)
	}
	return out
}

func TestTarget(t *testing.T) {
	t.Parallel()
	objs := decode(t, "target.yaml")
	require.Len(t, objs, 2)
	dep, svc := objs[0].(*appsv1.Deployment), objs[1].(*corev1.Service)

	sel, err := metav1.LabelSelectorAsSelector(dep.Spec.Selector)
	require.NoError(t, err)
	assert.True(t, sel.Matches(labels.Set(dep.Spec.Template.Labels)), "the Deployment selects its pods")
	assert.True(t, labels.SelectorFromSet(svc.Spec.Selector).Matches(labels.Set(dep.Spec.Template.Labels)), "the Service selects them")

	c := dep.Spec.Template.Spec.Containers[0]
	require.Len(t, svc.Spec.Ports, 1)
	port := svc.Spec.Ports[0]
	assert.Equal(t, intstr.FromString("http"), port.TargetPort)
	i := slices.IndexFunc(c.Ports, func(p corev1.ContainerPort) bool { return p.Name == "http" })
	require.GreaterOrEqual(t, i, 0, "the Service's target port is the container's")
	assert.Contains(t, c.Args, "0.0.0.0:"+strconv.Itoa(int(c.Ports[i].ContainerPort)), "serve listens where the port says")
	assert.Equal(t, c.Resources.Requests.Cpu(), c.Resources.Limits.Cpu(), "a whole, capped CPU")
}

func TestLoadJob(t *testing.T) {
	t.Parallel()
	objs := decode(t, "load-job.yaml")
	require.Len(t, objs, 1)
	job := objs[0].(*batchv1.Job)
	svc := decode(t, "target.yaml")[1].(*corev1.Service)

	require.NotNil(t, job.Spec.CompletionMode)
	assert.Equal(t, batchv1.IndexedCompletion, *job.Spec.CompletionMode)
	require.NotNil(t, job.Spec.Completions)
	require.NotNil(t, job.Spec.Parallelism)
	assert.Equal(t, *job.Spec.Completions, *job.Spec.Parallelism, "every agent runs at once")
	require.NotNil(t, job.Spec.ActiveDeadlineSeconds, "bounded")
	require.NotNil(t, job.Spec.BackoffLimit)
	assert.Zero(t, *job.Spec.BackoffLimit, "an agent that fails is not run again, late")
	assert.Equal(t, corev1.RestartPolicyNever, job.Spec.Template.Spec.RestartPolicy)

	c := job.Spec.Template.Spec.Containers[0]
	require.Len(t, c.Env, 1)
	env := c.Env[0]
	require.NotNil(t, env.ValueFrom)
	require.NotNil(t, env.ValueFrom.ConfigMapKeyRef)
	assert.Equal(t, "corobench-start", env.ValueFrom.ConfigMapKeyRef.Name, "one start time, shared")
	args := c.Args
	require.NotEmpty(t, args)
	assert.Equal(t, "load", args[0])
	assert.Equal(t, "$("+env.Name+")", args[slices.Index(args, "-start-at")+1], "the agents begin at the shared time")
	assert.Equal(t, "-", args[slices.Index(args, "-json")+1], "results on stdout, for kubectl logs")

	u, err := url.Parse(args[len(args)-1])
	require.NoError(t, err)
	host, port, err := net.SplitHostPort(u.Host)
	require.NoError(t, err)
	assert.Equal(t, svc.Name, host, "the agents load the target's Service")
	assert.Equal(t, strconv.Itoa(int(svc.Spec.Ports[0].Port)), port)
}
