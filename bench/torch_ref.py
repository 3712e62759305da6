"""PyTorch reference for `npm run bench:ml`: the same GPT-2 (Conv1D layout, tanh GELU, tied head),
float32, loading the weights bench/ml.ts wrote, timed on the same shapes.

Usage: /usr/bin/python3 bench/torch_ref.py SPEC.json
SPEC: {"dir": model folder, "threads": 2, "batch": 8, "seq": 128, "ids": [[...]], "lr": .., "gen": {"batch": 8, "prompt": 16, "new": 112},
      "products": [{"op", "a", "b", "c"?, "transA", "transB", "alpha"}, ...]}

A spec without "dir" ({"threads", "products"}) loads no model and answers only `products N`.

After loading and warming up it prints one JSON line (version, BLAS, first loss), then answers
commands on stdin, one JSON line each: `steps N` (N timed training steps), `gen` (one timed
generation), `products N` (N timed passes over spec["products"], the step's matrix products, see
bench/ml-products.ts), `trajectory` (a fresh copy of the loaded weights and a fresh AdamW trained on the
batches of spec["trajectory"], one per step; answers the loss of every step and writes the final
weights to DIR/trajectory.safetensors), `quit`. The caller interleaves these with its own measurements, so both sides
see the same moments of a shared, noisy machine.
"""
import json, math, struct, sys, time

import torch
import torch.nn.functional as F


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    n = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8 : 8 + n])
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        assert info["dtype"] == "F32", name
        s, e = info["data_offsets"]
        t = torch.frombuffer(bytearray(data[8 + n + s : 8 + n + e]), dtype=torch.float32)
        out[name] = t.reshape(info["shape"]).clone()
    return out


class GPT(torch.nn.Module):
    def __init__(self, cfg, tensors):
        super().__init__()
        self.nh = cfg["n_head"]
        self.eps = cfg["layer_norm_epsilon"]
        self.L = cfg["n_layer"]
        self.p = torch.nn.ParameterDict({k.replace(".", "__"): torch.nn.Parameter(v) for k, v in tensors.items()})

    def w(self, name):
        return self.p[name.replace(".", "__")]

    def ln(self, x, name):
        return F.layer_norm(x, (x.shape[-1],), self.w(name + ".weight"), self.w(name + ".bias"), self.eps)

    def lin(self, x, name):
        return torch.addmm(self.w(name + ".bias"), x.reshape(-1, x.shape[-1]), self.w(name + ".weight")).reshape(*x.shape[:-1], -1)

    def forward(self, ids, pos, past=None):
        B, T = ids.shape
        x = self.w("wte.weight")[ids] + self.w("wpe.weight")[pos]
        C = x.shape[-1]
        hs = C // self.nh
        presents = []
        for l in range(self.L):
            h = self.ln(x, f"h.{l}.ln_1")
            q, k, v = self.lin(h, f"h.{l}.attn.c_attn").split(C, dim=2)
            q = q.view(B, T, self.nh, hs).transpose(1, 2)  # (B, nh, T, hs)
            k = k.view(B, T, self.nh, hs).transpose(1, 2)
            v = v.view(B, T, self.nh, hs).transpose(1, 2)
            if past is not None:
                k = torch.cat([past[l][0], k], dim=2)
                v = torch.cat([past[l][1], v], dim=2)
            presents.append((k, v))
            S = k.shape[2]
            att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(hs))
            if T > 1:
                mask = torch.ones(T, S, dtype=torch.bool).tril(S - T)
                att = att.masked_fill(~mask, float("-inf"))
            y = F.softmax(att, dim=-1) @ v
            y = y.transpose(1, 2).reshape(B, T, C)
            x = x + self.lin(y, f"h.{l}.attn.c_proj")
            h = self.ln(x, f"h.{l}.ln_2")
            x = x + self.lin(F.gelu(self.lin(h, f"h.{l}.mlp.c_fc"), approximate="tanh"), f"h.{l}.mlp.c_proj")
        x = self.ln(x, "ln_f")
        return x @ self.w("wte.weight").t(), presents


def write_safetensors(path, tensors):
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        b = t.detach().contiguous().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(b)]}
        blobs.append(b)
        offset += len(b)
    h = json.dumps(header).encode()
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))


def make_optimizer(model, spec):
    decay = [p for p in model.parameters() if p.dim() >= 2]
    nodecay = [p for p in model.parameters() if p.dim() < 2]
    return torch.optim.AdamW(
        [{"params": decay, "weight_decay": spec["weight_decay"]}, {"params": nodecay, "weight_decay": 0.0}],
        lr=spec["lr"], betas=(spec["beta1"], spec["beta2"]), eps=1e-8,
    )


def train_step(model, opt, ids, max_grad_norm):
    T = ids.shape[1] - 1
    x, y = ids[:, :T], ids[:, 1:]
    pos = torch.arange(T).expand(ids.shape[0], T)
    logits, _ = model(x, pos)
    loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))
    opt.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), max_grad_norm)
    opt.step()
    return loss.item()


def trajectory(spec, cfg, tensors):
    """The same weights and batches as our trajectory, from a fresh optimizer: every step's loss."""
    model = GPT(cfg, {k: v.clone() for k, v in tensors.items()})
    opt = make_optimizer(model, spec)
    losses = [train_step(model, opt, torch.tensor(b, dtype=torch.long), spec["max_grad_norm"]) for b in spec["trajectory"]]
    write_safetensors(spec["dir"] + "/trajectory.safetensors", {k.replace("__", "."): v for k, v in model.p.items()})
    return losses


def products_runner(products):
    """The step's matrix products (bench/ml-products.ts) with OpenBLAS, each on operands of its own, as on our side."""

    def t(shape):
        return torch.rand(*shape) - 0.5

    calls = []
    for p in products:
        a, b = t(p["a"]), t(p["b"])
        a = a.transpose(-2, -1) if p["transA"] else a
        b = b.transpose(-2, -1) if p["transB"] else b
        if "c" in p:
            calls.append(lambda a=a, b=b, c=t(p["c"]), alpha=p["alpha"]: torch.addmm(c, a, b, alpha=alpha))
        elif p["op"] == "Gemm":
            calls.append(lambda a=a, b=b: torch.mm(a, b))
        else:  # the scale of a FusedMatMul is free in onnxruntime's kernel; it is left out here
            calls.append(lambda a=a, b=b: torch.matmul(a, b))

    def run():
        t0 = time.perf_counter()
        for call in calls:
            call()
        return (time.perf_counter() - t0) * 1000

    return run


def blas_name():
    try:
        import ctypes
        lib = ctypes.CDLL("libblas.so.3")
        lib.openblas_get_corename.restype = ctypes.c_char_p
        lib.openblas_get_config.restype = ctypes.c_char_p
        return f"OpenBLAS {lib.openblas_get_config().decode()} core={lib.openblas_get_corename().decode()}"
    except Exception as e:  # the reference BLAS has no openblas_* symbols
        return f"not OpenBLAS ({type(e).__name__})"


def products_only(spec):
    """bench/products.ts: no model, only `products N` (and `quit`) on stdin."""
    products = products_runner(spec["products"])
    products()  # warm-up
    say({"torch": torch.__version__, "threads": torch.get_num_threads(), "blas": blas_name()})
    for line in sys.stdin:
        cmd, *arg = line.split()
        if cmd == "products":
            say({"products_ms": [products() for _ in range(int(arg[0]))]})
        elif cmd == "quit":
            break


def main():
    spec = json.load(open(sys.argv[1]))
    torch.set_num_threads(spec["threads"])
    if "dir" not in spec:
        return products_only(spec)
    torch.manual_seed(0)
    cfg = json.load(open(spec["dir"] + "/config.json"))
    tensors = read_safetensors(spec["dir"] + "/model.safetensors")
    model = GPT(cfg, {k: v.clone() for k, v in tensors.items()})
    B, T = spec["batch"], spec["seq"]
    ids = torch.tensor(spec["ids"], dtype=torch.long)  # (B, T + 1)
    x, y = ids[:, :T], ids[:, 1 : T + 1]
    pos = torch.arange(T).expand(B, T)
    opt = make_optimizer(model, spec)

    def step():
        return train_step(model, opt, ids, spec["max_grad_norm"])

    def timed_step():
        t0 = time.perf_counter()
        step()
        return (time.perf_counter() - t0) * 1000

    g = spec["gen"]

    def timed_generation():
        with torch.inference_mode():
            prompt = ids[: g["batch"], : g["prompt"]]
            gen = torch.Generator().manual_seed(1)
            t0 = time.perf_counter()
            P = prompt.shape[1]
            logits, past = model(prompt, torch.arange(P).expand(g["batch"], P))
            for i in range(g["new"]):
                probs = F.softmax(logits[:, -1, :], dim=-1)
                nxt = torch.multinomial(probs, 1, generator=gen)
                F.log_softmax(logits[:, -1, :], dim=-1).gather(1, nxt)  # the logprob PPO needs, as ours computes
                if i + 1 < g["new"]:
                    logits, past = model(nxt, torch.full((g["batch"], 1), P + i), past)
            return g["batch"] * g["new"] / (time.perf_counter() - t0)

    with torch.no_grad():
        first_loss = F.cross_entropy(model(x, pos)[0].reshape(-1, cfg["vocab_size"]), y.reshape(-1)).item()
    products = products_runner(spec.get("products", []))
    for _ in range(2):  # warm-up
        step()
        products()
    timed_generation()
    say({
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "blas": blas_name(),
        "first_loss": first_loss,
        "mkldnn": "USE_MKLDNN=ON" in torch.__config__.show(),
    })
    # then one command per line, one JSON answer per line
    for line in sys.stdin:
        cmd, *arg = line.split()
        if cmd == "steps":
            say({"step_ms": [timed_step() for _ in range(int(arg[0]))]})
        elif cmd == "products":
            say({"products_ms": [products() for _ in range(int(arg[0]))]})
        elif cmd == "trajectory":
            say({"losses": trajectory(spec, cfg, tensors)})
        elif cmd == "gen":
            say({"gen_tokens_per_sec": timed_generation()})
        elif cmd == "quit":
            break


def say(obj):
    print(json.dumps(obj), flush=True)


if __name__ == "__main__":
    main()
