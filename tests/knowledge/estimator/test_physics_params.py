"""Parameter counts, exact, from each model's config.json worked out by hand (layer by layer).

Sources: the config.json of each checkpoint (the catalog's ``source``); the count follows the modules
transformers builds for it (LlamaForCausalLM, GPT2LMHeadModel, FalconForCausalLM, MixtralForCausalLM,
DeepseekV3ForCausalLM), whose published totals the hand sums reproduce.
"""

from __future__ import annotations

from tests.knowledge.estimator.physics import LLAMA2_7B_LINEAR, LLAMA2_7B_PARAMS, catalog


def arch(model: str):
    return catalog().find_model(model).architecture


def test_llama_2_7b_has_6_738_415_616_parameters():
    """The count Meta publishes for Llama 2 7B (model card: 6.74 B; transformers: 6,738,415,616)."""
    h, ffn, vocab, layers = 4096, 11008, 32000, 32
    attention = 4 * h * h  # q, k, v, o without biases
    mlp = 3 * h * ffn  # gate, up, down
    norms = 2 * h  # two RMSNorms per block
    expected = vocab * h + layers * (attention + mlp + norms) + h + vocab * h  # embeddings, blocks, final norm, head
    assert expected == LLAMA2_7B_PARAMS
    a = arch("Llama 2 7B")
    assert a.total_params() == expected
    assert a.active_params() == expected  # dense: every parameter is used for every token
    assert a.embedding_params() == vocab * h
    assert a.lm_head_params() == vocab * h
    assert a.linear_layer_params() == LLAMA2_7B_LINEAR == layers * (attention + mlp)


def test_grouped_query_attention_shrinks_k_and_v():
    """Llama 3.1 8B: 8 KV heads of 128, so k and v are 4096 x 1024 each; 8,030,261,248 parameters."""
    h, kv, ffn, vocab, layers = 4096, 8 * 128, 14336, 128256, 32
    attention = h * h + 2 * h * kv + h * h  # q, k, v, o
    per_layer = attention + 3 * h * ffn + 2 * h
    expected = 2 * vocab * h + layers * per_layer + h
    assert expected == 8_030_261_248
    assert arch("Llama 3.1 8B").total_params() == expected
    assert arch("Llama 3.1 8B").attention_params() == attention


def test_gpt2_counts_biases_layernorm_and_learned_positions():
    """GPT-2 XL (GPT2LMHeadModel): c_attn 1600 -> 4800 and c_proj with biases, MLP 1600 -> 6400 -> 1600 with
    biases, two LayerNorms (weight and bias) per block, 1,024 learned positions, head tied: 1,557,611,200."""
    h, ffn, vocab, positions, layers = 1600, 6400, 50257, 1024, 48
    attention = h * 3 * h + 3 * h + h * h + h
    mlp = h * ffn + ffn + ffn * h + h
    norms = 2 * 2 * h
    expected = (vocab + positions) * h + layers * (attention + mlp + norms) + 2 * h
    assert expected == 1_557_611_200
    a = arch("GPT-2 XL")
    assert a.total_params() == expected
    assert a.attention_params() == attention
    assert a.dense_mlp_params() == mlp
    assert a.embedding_params() == (vocab + positions) * h
    assert a.lm_head_params() == 0  # tied to the token embeddings


def test_falcon_multi_query_with_parallel_attention():
    """Falcon 7B: one KV head of 64, one LayerNorm per block (parallel attention), a 4h MLP without gate,
    tied head: 6,921,720,704 parameters (tiiuae/falcon-7b)."""
    h, head, ffn, vocab, layers = 4544, 64, 18176, 65024, 32
    attention = h * (h + 2 * head) + h * h  # fused query_key_value, then dense
    per_layer = attention + 2 * h * ffn + 2 * h  # dense_h_to_4h, dense_4h_to_h, one LayerNorm with bias
    expected = vocab * h + layers * per_layer + 2 * h
    assert expected == 6_921_720_704
    assert arch("Falcon 7B").total_params() == expected


def test_mixture_of_experts_holds_all_experts_and_reads_two():
    """Mixtral 8x7B: 8 experts of 3 x 4096 x 14336 and a 4096 x 8 router per layer; 46,702,792,704 held,
    12,879,925,248 active with top-2 routing (Mistral AI: 46.7 B total, 12.9 B active)."""
    h, ffn, vocab, layers = 4096, 14336, 32000, 32
    attention = h * h + 2 * h * 1024 + h * h
    expert = 3 * h * ffn
    router = h * 8
    outside = 2 * vocab * h + h  # embeddings, head, final norm
    total = outside + layers * (attention + 8 * expert + router + 2 * h)
    active = outside + layers * (attention + 2 * expert + router + 2 * h)
    assert (total, active) == (46_702_792_704, 12_879_925_248)
    a = arch("Mixtral 8x7B")
    assert a.total_params() == total
    assert a.active_params() == active
    assert a.expert_params() == expert


def test_multi_head_latent_attention_with_shared_experts_and_dense_layers():
    """DeepSeek V3: MLA (q through a 1536 latent, k/v through a 512 latent plus 64 rope dims, each latent
    with its RMSNorm), 3 dense layers, then 58 layers of 256 routed + 1 shared expert of 2048 and a router."""
    h, heads, vocab = 7168, 128, 129280
    q = h * 1536 + 1536 + 1536 * heads * (128 + 64)  # q_a_proj, q_a_layernorm, q_b_proj
    kv = h * (512 + 64) + 512 + 512 * heads * (128 + 128)  # kv_a_proj_with_mqa, kv_a_layernorm, kv_b_proj
    o = heads * 128 * h
    attention = q + kv + o
    dense = 3 * h * 18432
    expert = 3 * h * 2048
    moe = (256 + 1) * expert + h * 256
    norms = 2 * h
    expected = 3 * (attention + dense + norms) + 58 * (attention + moe + norms) + 2 * vocab * h + h
    assert expected == 671_026_404_352  # DeepSeek: 671 B main-model parameters
    a = arch("DeepSeek V3")
    assert a.attention_params() == attention
    assert a.total_params() == expected
    active = 3 * (attention + dense + norms) + 58 * (attention + 9 * expert + h * 256 + norms) + 2 * vocab * h + h
    assert a.active_params() == active  # 8 routed + 1 shared expert per token: about 37.6 B


def test_tied_and_untied_heads_and_a_head_bias():
    """An untied head adds vocab x hidden; a head bias adds vocab, tied or not."""
    a = arch("Llama 3.1 8B")
    tied = a.model_copy(update={"tied_embeddings": True})
    assert a.total_params() - tied.total_params() == 128256 * 4096
    with_bias = tied.model_copy(update={"lm_head_bias": True})
    assert with_bias.total_params() - tied.total_params() == 128256
    untied_bias = a.model_copy(update={"lm_head_bias": True})
    assert untied_bias.lm_head_params() == 128256 * 4096 + 128256


def test_qk_norm_adds_two_head_dim_vectors_per_layer():
    """Qwen3-style q_norm and k_norm: RMSNorm weights of head_dim each, shared across heads (2 x 128 per layer)."""
    a = arch("Llama 3.1 8B")
    normed = a.model_copy(update={"qk_norm": True})
    assert normed.total_params() - a.total_params() == 32 * 2 * 128


def test_a_dense_model_has_no_expert():
    assert arch("Llama 2 7B").expert_params() == 0


def test_mla_without_a_query_latent_projects_queries_directly():
    """DeepSeek-V2-Lite style (q_lora_rank null): q_proj is hidden x heads x (nope + rope) = 7168 x 128 x 192."""
    a = arch("DeepSeek V3")
    assert a.mla is not None
    direct = a.model_copy(update={"mla": a.mla.model_copy(update={"q_lora_rank": None})})
    kv = 7168 * (512 + 64) + 512 + 512 * 128 * (128 + 128)
    assert direct.attention_params() == 7168 * 128 * 192 + kv + 128 * 128 * 7168
