package matching

// flow is Dinic's maximum-flow algorithm over int64 capacities. Edges are
// stored in pairs, forward at even index e and its residual twin at e^1, so
// the flow on a forward edge is the residual capacity of its twin.
type flow struct {
	n     int
	to    []int32
	cap   []int64
	from  []int32
	start []int32 // CSR: edges out of node v are adj[start[v]:start[v+1]]
	adj   []int32
	level []int32
	iter  []int32
	queue []int32
}

func newFlow(n int) *flow { return &flow{n: n} }

func (f *flow) addEdge(u, v int, c int64) int {
	e := len(f.to)
	f.to = append(f.to, int32(v), int32(u))
	f.from = append(f.from, int32(u), int32(v))
	f.cap = append(f.cap, c, 0)
	return e
}

// freeze builds the adjacency arrays once all edges are added.
func (f *flow) freeze() {
	f.start = make([]int32, f.n+1)
	for _, u := range f.from {
		f.start[u+1]++
	}
	for v := 0; v < f.n; v++ {
		f.start[v+1] += f.start[v]
	}
	f.adj = make([]int32, len(f.from))
	fill := make([]int32, f.n)
	copy(fill, f.start[:f.n])
	for e, u := range f.from {
		f.adj[fill[u]] = int32(e)
		fill[u]++
	}
	f.level = make([]int32, f.n)
	f.iter = make([]int32, f.n)
	f.queue = make([]int32, 0, f.n)
}

func (f *flow) raise(e int, delta int64) { f.cap[e] += delta }

func (f *flow) flowOn(e int) int64 { return f.cap[e^1] }

func (f *flow) bfs(s, t int) bool {
	for i := range f.level {
		f.level[i] = -1
	}
	f.level[s] = 0
	q := append(f.queue[:0], int32(s))
	for h := 0; h < len(q); h++ {
		u := q[h]
		for _, e := range f.adj[f.start[u]:f.start[u+1]] {
			if v := f.to[e]; f.cap[e] > 0 && f.level[v] < 0 {
				f.level[v] = f.level[u] + 1
				q = append(q, v)
			}
		}
	}
	f.queue = q
	return f.level[t] >= 0
}

func (f *flow) dfs(u, t int32, limit int64) int64 {
	if u == t {
		return limit
	}
	var pushed int64
	for ; f.iter[u] < f.start[u+1]; f.iter[u]++ {
		e := f.adj[f.iter[u]]
		v := f.to[e]
		if f.cap[e] <= 0 || f.level[v] != f.level[u]+1 {
			continue
		}
		d := f.dfs(v, t, min(limit-pushed, f.cap[e]))
		if d > 0 {
			f.cap[e] -= d
			f.cap[e^1] += d
			pushed += d
			if pushed == limit {
				return pushed
			}
		}
	}
	return pushed
}

// maxflow augments the current flow to a maximum one and returns the amount
// added.
func (f *flow) maxflow(s, t int) int64 {
	var total int64
	for f.bfs(s, t) {
		copy(f.iter, f.start[:f.n])
		for {
			d := f.dfs(int32(s), int32(t), 1<<62)
			if d == 0 {
				break
			}
			total += d
		}
	}
	return total
}
