import torch
import torch.nn as nn
import torch.nn.functional as F


class SeqNet(nn.Module):
    def __init__(self, channels=8, dim=32, length=20):
        super().__init__()
        self.embed = nn.Conv1d(channels, dim, kernel_size=3, padding=1)
        self.qkv = nn.Linear(dim, dim * 3)
        self.norm = nn.LayerNorm(dim)
        self.se = nn.Sequential(nn.AdaptiveAvgPool1d(1), nn.Conv1d(dim, dim // 4, 1), nn.ReLU(), nn.Conv1d(dim // 4, dim, 1), nn.Sigmoid())
        self.cls = nn.Parameter(torch.zeros(1, 1, dim))
        self.head = nn.Linear(dim * (length + 1), 5)

    def forward(self, x):
        b, c, n = x.shape
        x = self.embed(x)
        x = x * self.se(x)
        x = x.permute(0, 2, 1)
        x = torch.cat([self.cls.expand(b, -1, -1), x], dim=1)
        q, k, v = self.qkv(self.norm(x)).chunk(3, dim=-1)
        attn = (q @ k.transpose(-2, -1)) / (q.size(-1) ** 0.5)
        attn = attn.softmax(dim=-1)
        x = x + attn @ v
        x = x[:, :, :]
        x = x.transpose(1, 2).view(b, -1)
        return self.head(x).unsqueeze(1).squeeze(1)
