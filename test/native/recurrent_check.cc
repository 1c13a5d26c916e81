// Standalone check of the recurrent kernels of every instruction set in this build against the scalar ones, without
// Node. Its purpose is the NEON build, which CI cannot run natively on x86-64: scripts/check-neon.sh cross-compiles
// it for arm64 and runs it under qemu. The scalar kernels are the ones the PyTorch fixtures check on x86-64.
// Every output and gradient must agree within 1e-5 * max(1, the largest |value| of that array).
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "cpu/isa.h"
#include "gemm/microkernel.h"
#include "kernels/kernels.h"
#include "rnn/recurrent.h"
#include "threads/thread_pool.h"

namespace {

using Buffer = std::vector<float>;

struct Problem {
  sg::rnn::Dims d;
  int G;
  Buffer x, w_ih, w_hh, b_ih, b_hh, h0, c0, dy, dh_n, dc_n;
  std::vector<int32_t> lengths;
};

Problem make_problem(int G, int64_t T, int64_t B, int64_t I, int64_t H, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-1, 1);
  const auto random = [&](int64_t n, float s) {
    Buffer v(n);
    for (float& e : v) e = s * u(rng);
    return v;
  };
  const float s = 1.0f / std::sqrt(float(H));
  Problem p{{T, B, I, H},
            G,
            random(T * B * I, 1),
            random(G * H * I, s),
            random(G * H * H, s),
            random(G * H, s),
            random(G * H, s),
            random(B * H, 1),
            random(B * H, 1),
            random(T * B * H, 1),
            random(B * H, 1),
            random(B * H, 1),
            {}};
  for (int64_t b = 0; b < B; ++b) p.lengths.push_back(static_cast<int32_t>(rng() % (T + 1)));
  return p;
}

// Runs forward and backward of one cell on one ISA; returns every output and gradient, in a fixed order.
std::vector<Buffer> run(sg::Isa isa, const std::string& cell, const Problem& p, sg::ThreadPool& pool) {
  const sg::Job job{isa, &sg::gemm::microkernel_for(isa), std::shared_ptr<sg::ThreadPool>(&pool, [](auto*) {})};
  const sg::Kernels& k = sg::kernels_for(isa);
  const auto& d = p.d;
  const int64_t BH = d.B * d.H, G = p.G;
  Buffer y(d.T * BH), h_n(BH), h((d.T + 1) * BH), gates(d.T * d.B * G * d.H), c((d.T + 1) * BH), c_n(BH), hn(d.T * BH);
  Buffer dx(d.T * d.B * d.I), dh0(BH), dc0(BH), dw_ih(G * d.H * d.I, 0), dw_hh(G * d.H * d.H, 0), db_ih(G * d.H, 0),
      db_hh(G * d.H, 0);
  const auto forward = [&](sg::rnn::ForwardCommon* a) {
    *a = {d,           p.x.data(),       p.w_ih.data(), p.w_hh.data(), p.b_ih.data(), p.b_hh.data(),
          p.h0.data(), p.lengths.data(), y.data(),      h_n.data(),    h.data()};
  };
  const auto backward = [&](sg::rnn::BackwardCommon* a) {
    *a = {
        d,         p.x.data(), p.w_ih.data(), p.w_hh.data(), p.lengths.data(), h.data(),    p.dy.data(), p.dh_n.data(),
        dx.data(), dh0.data(), dw_ih.data(),  dw_hh.data(),  db_ih.data(),     db_hh.data()};
  };
  if (cell == "lstm") {
    sg::rnn::LstmForward f{};
    forward(&f);
    f.c0 = p.c0.data(), f.c_n = c_n.data(), f.gates = gates.data(), f.c = c.data();
    k.lstm_forward(job, f);
    sg::rnn::LstmBackward b{};
    backward(&b);
    b.gates = gates.data(), b.c = c.data(), b.dc_n = p.dc_n.data(), b.dc0 = dc0.data();
    k.lstm_backward(job, b);
  } else if (cell == "gru" || cell == "gru_before") {
    sg::rnn::GruForward f{};
    forward(&f);
    f.reset_after = cell == "gru", f.gates = gates.data(), f.hn = hn.data();
    k.gru_forward(job, f);
    sg::rnn::GruBackward b{};
    backward(&b);
    b.reset_after = f.reset_after, b.gates = gates.data(), b.hn = hn.data();
    k.gru_backward(job, b);
  } else {
    sg::rnn::RnnForward f{};
    forward(&f);
    f.act = cell == "rnn_relu" ? sg::rnn::Activation::relu : sg::rnn::Activation::tanh;
    k.rnn_forward(job, f);
    sg::rnn::RnnBackward b{};
    backward(&b);
    b.act = f.act;
    k.rnn_backward(job, b);
  }
  return {y, h_n, c_n, dx, dh0, dc0, dw_ih, dw_hh, db_ih, db_hh};
}

}  // namespace

int main() {
  sg::ThreadPool one(1), two(2);
  int failures = 0, runs = 0;
  const char* names[] = {"y", "hT", "cT", "dx", "dh0", "dc0", "dWIh", "dWHh", "dBIh", "dBHh"};
  const std::vector<std::pair<std::string, int>> cells = {
      {"rnn_tanh", 1}, {"rnn_relu", 1}, {"lstm", 4}, {"gru", 3}, {"gru_before", 3}};
  for (sg::Isa isa : sg::supported_isas()) {
    for (const auto& [cell, G] : cells) {
      for (const auto& [T, B, I, H] :
           std::vector<std::array<int64_t, 4>>{{5, 3, 4, 7}, {7, 13, 19, 37}, {3, 40, 5, 70}}) {
        const Problem p = make_problem(G, T, B, I, H, unsigned(T * 131 + B * 7 + H));
        const auto reference = run(sg::Isa::scalar, cell, p, one);
        const auto got = run(isa, cell, p, two);
        ++runs;
        for (size_t a = 0; a < reference.size(); ++a) {
          float scale = 1;
          for (float v : reference[a]) scale = std::max(scale, std::fabs(v));
          for (size_t i = 0; i < reference[a].size(); ++i) {
            if (!(std::fabs(got[a][i] - reference[a][i]) <= 1e-5f * scale)) {
              if (++failures <= 10) {
                std::printf("FAIL %s %s T=%lld B=%lld H=%lld %s[%zu]: %g vs scalar %g\n", sg::isa_name(isa),
                            cell.c_str(), (long long)T, (long long)B, (long long)H, names[a], i, got[a][i],
                            reference[a][i]);
              }
              break;
            }
          }
        }
      }
    }
    std::printf("recurrent_%s: %zu cells x 3 shapes against recurrent_scalar\n", sg::isa_name(isa), cells.size());
  }
  std::printf("%d of %d runs failed\n", failures, runs);
  return failures == 0 ? 0 : 1;
}
