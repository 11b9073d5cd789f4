"""Multi-GPU layouts in words: "16× NVIDIA H100 SXM: 2 nodes, tensor parallel 8 × pipeline 2"."""

from __future__ import annotations

from knowledge.answering.wording import hardware
from knowledge.estimator import layout as lay
from knowledge.estimator.catalog import Gpu
from knowledge.estimator.job import TRAINING_TASKS, Estimate
from knowledge.estimator.runtimes import profile
from knowledge.i18n import Language, t


def layout_line(lang: Language, gpu: Gpu, result: Estimate) -> str | None:
    """How the estimate's GPUs share the job, as one sentence; None on one GPU."""
    job = result.job
    count = job.gpus
    if count == 1:
        return None
    where = hardware(lang, gpu, count)
    if job.task in TRAINING_TASKS:
        layout = lay.training_layout(count)
        key = "layout.data_checkpointing" if job.checkpointing else "layout.data"
        nodes = t(lang, "layout.nodes_one") if layout.nodes == 1 else t(lang, "layout.nodes_many", nodes=layout.nodes)
        return t(lang, key, hardware=where, nodes=nodes, stage=job.zero_stage or 0)
    layout = lay.inference_layout(job.model.architecture, job.runtime, count)
    if lay.splits_layers(job.runtime):
        return t(lang, "layout.layer", hardware=where, runtime=profile(job.runtime).name)
    if layout.pipeline == 1:
        return t(lang, "layout.tensor", hardware=where, tensor=layout.tensor)
    return t(
        lang,
        "layout.tensor_pipeline" if layout.nodes > 1 else "layout.tensor_pipeline_one_node",
        hardware=where,
        nodes=layout.nodes,
        tensor=layout.tensor,
        pipeline=layout.pipeline,
    )
