import torch
import torch.nn as nn
import torch.nn.functional as F


class DenseLayer(nn.Module):
    def __init__(self, in_channels, growth):
        super().__init__()
        self.add_module("norm", nn.BatchNorm2d(in_channels))
        self.add_module("conv", nn.Conv2d(in_channels, growth, 3, padding=1, bias=False))

    def forward(self, features):
        x = torch.cat(features, 1)
        return self.conv(F.relu(self.norm(x)))


class DenseNet(nn.Module):
    def __init__(self, growth=8, layers=2, classes=10):
        super().__init__()
        self.stem = nn.Conv2d(3, 2 * growth, 3, padding=1)
        channels = 2 * growth
        self.layers = nn.ModuleList()
        for i in range(layers):
            self.layers.append(DenseLayer(channels + i * growth, growth))
        channels += layers * growth
        self.fc = nn.Linear(channels, classes)

    def forward(self, x):
        features = [self.stem(x)]
        for layer in self.layers:
            features.append(layer(features))
        x = torch.cat(features, 1)
        x = F.adaptive_avg_pool2d(x, (1, 1))
        return self.fc(torch.flatten(x, 1))
