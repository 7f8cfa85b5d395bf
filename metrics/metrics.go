// Package metrics exposes motcua's Prometheus metrics: HTTP requests and
// latencies by route, and dossiers by state (counted from the database at
// scrape time, so every instance behind a load balancer reports the same).
package metrics

import (
	"context"
	"crypto/subtle"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics owns its own registry: no global default registry is touched.
type Metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	log      *slog.Logger
}

// New creates the registry with Go runtime metrics and the HTTP metrics;
// database-counted gauges are added with Gauge.
func New(log *slog.Logger) *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry(), log: log}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "motcua_http_requests_total", Help: "HTTP requests by route pattern, method and status.",
	}, []string{"route", "method", "code"})
	m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "motcua_http_request_duration_seconds", Help: "HTTP request latency by route pattern.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
	}, []string{"route"})
	m.reg.MustRegister(m.requests, m.latency, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Handler serves /metrics.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

type recorder struct {
	http.ResponseWriter
	code int
}

func (r *recorder) WriteHeader(code int) {
	r.code = code
	r.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the real writer.
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// Wrap records every request under its ServeMux pattern (not its raw path,
// which would explode the label set with dossier codes).
func (m *Metrics) Wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &recorder{ResponseWriter: w, code: http.StatusOK}
		next.ServeHTTP(rec, r)
		route := r.Pattern
		if route == "" {
			route = "unmatched"
		}
		m.requests.WithLabelValues(route, r.Method, strconv.Itoa(rec.code)).Inc()
		m.latency.WithLabelValues(route).Observe(time.Since(start).Seconds())
	})
}

// Count is one labelled value of a gauge counted from the database.
type Count struct {
	Labels []string
	Value  int64
}

// Gauge registers a gauge whose values are counted at scrape time by
// count (for example notifications waiting in the outbox, by channel and
// status). Like the dossier gauge it reads the shared database, so every
// instance reports the same.
func (m *Metrics) Gauge(name, help string, labels []string, count func(ctx context.Context) ([]Count, error)) {
	m.reg.MustRegister(&countCollector{count: count, log: m.log, desc: prometheus.NewDesc(name, help, labels, nil)})
}

type countCollector struct {
	count func(ctx context.Context) ([]Count, error)
	log   *slog.Logger
	desc  *prometheus.Desc
}

func (c *countCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

func (c *countCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	counts, err := c.count(ctx)
	if err != nil {
		c.log.Error("metrics: count", "metric", c.desc.String(), "err", err)
		return
	}
	for _, n := range counts {
		ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, float64(n.Value), n.Labels...)
	}
}

// RequireToken serves next only to requests carrying "Authorization:
// Bearer <token>": the metrics name routes, counts and the process's
// memory, which are no one else's business.
func RequireToken(token string, next http.Handler) http.Handler {
	want := []byte("Bearer " + token)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), want) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="metrics"`)
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
}
